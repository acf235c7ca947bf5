#!/usr/bin/python3
"""What the build produced links and exports: nothing from gst-plugins-bad,
and only gst_rtc_-prefixed public symbols, so gst-rtc loads beside it."""
import os
import re
import subprocess
import sys
import unittest

BUILD = os.environ.get('GST_RTC_BUILD_ROOT', '.')
FORBIDDEN = re.compile(r'lib(gstwebrtc|gstsctp|gstwebrtcnice)-1\.0')
# Our plugins (gst-plugins-bad has libgstwebrtc.so, libgstdtls.so,
# libgstsrtp.so, libgstsctp.so, libgstnice.so: names and symbols must differ).
PLUGINS = ('rtcice', 'rtcdtls', 'rtcsctp', 'rtcpeer', 'rtcrtp')


def elf_files():
    for root, dirs, files in os.walk(BUILD):
        # subprojects and meson's own scratch space are not our objects
        dirs[:] = [d for d in dirs if d not in ('meson-private', 'meson-logs', 'subprojects')]
        for f in files:
            p = os.path.join(root, f)
            if os.path.islink(p) or not os.access(p, os.X_OK) and not f.endswith('.so'):
                continue
            try:
                with open(p, 'rb') as fh:
                    if fh.read(4) == b'\x7fELF':
                        yield p
            except OSError:
                pass


class Linkage(unittest.TestCase):
    def test_build_has_objects(self):
        names = [os.path.basename(p) for p in elf_files()]
        self.assertTrue(any(n.startswith('libgstrtc-1.0.so') for n in names), 'libgstrtc-1.0 not built')
        self.assertIn('gst-rtc-jsep', names)

    def test_no_object_links_gst_plugins_bad(self):
        offenders = []
        for p in elf_files():
            out = subprocess.run(['ldd', p], capture_output=True, text=True).stdout
            if FORBIDDEN.search(out):
                offenders.append(p)
        self.assertEqual(offenders, [], 'these link gst-plugins-bad libraries')

    def exported(self, path):
        out = subprocess.run(['nm', '-D', '--defined-only', path], capture_output=True, text=True,
                             check=True).stdout
        return [line.split()[-1] for line in out.splitlines() if line.split()[1:2] and
                line.split()[1] in ('T', 'D', 'B', 'R', 'W', 'V')]

    def test_plugins_export_only_their_descriptors(self):
        found = {}
        for p in elf_files():
            m = re.fullmatch(r'libgst(rtc[a-z]+)\.so', os.path.basename(p))
            if m:
                found[m.group(1)] = p
        for plugin in PLUGINS:
            if plugin not in found:
                continue  # feature disabled in this build
            names = [n for n in self.exported(found[plugin]) if not n.startswith(('_init', '_fini', '_edata', '_end', '__bss_start'))]
            self.assertEqual(sorted(names), sorted([f'gst_plugin_{plugin}_get_desc', f'gst_plugin_{plugin}_register']),
                             f'{found[plugin]} exports more than its plugin descriptor')
        self.assertTrue(found, 'no rtc plugin built')

    def test_library_exports_only_gst_rtc_symbols(self):
        libs = [p for p in elf_files() if os.path.basename(p).startswith('libgstrtc-1.0.so')]
        self.assertTrue(libs, 'libgstrtc-1.0 not built')
        out = subprocess.run(['nm', '-D', '--defined-only', libs[0]], capture_output=True, text=True,
                             check=True).stdout
        names = [line.split()[-1] for line in out.splitlines() if line.split()[1:2] and
                 line.split()[1] in ('T', 'D', 'B', 'R', 'W', 'V')]
        self.assertTrue(names)
        foreign = [n for n in names if not n.startswith(('gst_rtc_', '_init', '_fini', '_edata', '_end',
                                                         '__bss_start'))]
        self.assertEqual(foreign, [], 'exported symbols outside the gst_rtc_ namespace')


if __name__ == '__main__':
    unittest.main(verbosity=2)
