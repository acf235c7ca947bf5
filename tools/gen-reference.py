#!/usr/bin/python3
"""Writes docs/reference.md from the GStreamer registry: every gst-rtc
element (the plugins whose source module is gst-rtc) with its metadata, pad
templates and caps, every property it defines (type, range, default, flags,
blurb) and every signal (signature, flags and the gtk-doc comment of the
source, when there is one), then the GObject types and enums those reach.

Run it against the build tree:

    meson devenv -C build /usr/bin/python3 ../tools/gen-reference.py --output ../docs/reference.md

(or with GST_PLUGIN_PATH_1_0 / GI_TYPELIB_PATH / LD_LIBRARY_PATH pointing at
a build). `--check FILE` compares instead of writing: exit status 1 and a
diff when FILE is stale. Property defaults are the GParamSpec defaults (what
a new instance would have before it computes anything), so the output does
not depend on the machine or the run.
"""
import argparse
import difflib
import os
import re
import sys

import gi

gi.require_version('Gst', '1.0')
from gi.repository import GObject, Gst  # noqa: E402

SOURCE_ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
SOURCE_DIRS = ('gst-libs', 'gst', 'ext')
REGENERATE = 'meson devenv -C build /usr/bin/python3 ../tools/gen-reference.py --output ../docs/reference.md'
OURS = re.compile(r'^GstRtc')


# --- gtk-doc comments of the sources -------------------------------------------
def read_doc_comments(root):
    """{'GstRtcSrtpDec::request-key': {'text': str, 'params': [(name, text)], 'returns': str}}"""
    docs = {}
    for d in SOURCE_DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for name in sorted(files):
                if name.endswith(('.c', '.cpp', '.h')):
                    with open(os.path.join(dirpath, name), errors='replace') as f:
                        parse_comments(f.read(), docs)
    return docs


def parse_comments(text, docs):
    for block in re.findall(r'/\*\*\n(.*?)\*/', text, re.S):
        lines = [re.sub(r'^\s*\* ?', '', l) for l in block.splitlines()]
        if not lines:
            continue
        m = re.match(r'^(GstRtc\w+)(::?)([\w-]+):\s*$', lines[0].strip())
        if not m:
            continue
        params, body, returns, current = [], [], [], None
        for line in lines[1:]:
            pm = re.match(r'^@(\w+):\s*(.*)$', line)
            if pm:
                params.append([pm.group(1), pm.group(2)])
                current = params[-1]
                continue
            rm = re.match(r'^Returns:\s*(.*)$', line)
            if rm:
                returns.append(rm.group(1))
                current = returns
                continue
            if re.match(r'^Since:', line):
                current = None
                continue
            if not line.strip():
                current = None
                body.append('')
                continue
            if current is returns:
                returns.append(line.strip())
            elif current is not None:  # a parameter's continuation line
                current[1] += ' ' + line.strip()
            else:
                body.append(line.strip())
        paragraphs = '\n'.join(body).split('\n\n')
        docs[f'{m.group(1)}{m.group(2)}{m.group(3)}'] = {
            'text': '\n\n'.join(' '.join(p.split()) for p in paragraphs if p.strip()),
            'params': [(n, ' '.join(t.split())) for n, t in params],
            'returns': ' '.join(' '.join(returns).split()),
        }


# --- formatting helpers --------------------------------------------------------
def md(text):
    """Table-cell safe text."""
    return (text or '').replace('|', '\\|').replace('\n', ' ')


def type_name(gtype):
    return gtype.name if gtype is not None else 'void'


def c_type(gtype):
    names = {'gchararray': 'gchar *', 'GStrv': 'GStrv', 'void': 'void'}
    n = type_name(gtype)
    if n in names:
        return names[n]
    if gtype.is_a(GObject.TYPE_OBJECT) or gtype.is_a(GObject.TYPE_BOXED) or gtype.is_a(GObject.TYPE_INTERFACE):
        return f'{n} *'
    return n


def enum_values(gtype):
    cls = gtype.pytype
    vals = getattr(cls, '__enum_values__', None) if cls is not None else None
    if vals is None:
        vals = getattr(cls, '__flags_values__', None) if cls is not None else None
    if vals is None:
        return []
    return [(int(k), v.value_nick) for k, v in sorted(vals.items())]


def ensure_pytype(pspec):
    """PyGObject makes the Python class of a plugin's enum on first use."""
    if pspec.value_type.pytype is None:
        try:
            GObject.Value(pspec.value_type)
            _ = pspec.default_value
        except Exception:  # noqa: BLE001 - best effort
            pass


def fmt_default(pspec):
    t = pspec.value_type
    if t.is_a(GObject.TYPE_ENUM) or t.is_a(GObject.TYPE_FLAGS):
        v = pspec.default_value
        nick = getattr(v, 'value_nick', None)
        if nick is None and t.is_a(GObject.TYPE_FLAGS):
            names = getattr(v, 'value_nicks', None)
            nick = '+'.join(names) if names else str(int(v))
        return f'`{nick}` ({int(v)})'
    if t == GObject.TYPE_STRING:
        v = pspec.default_value
        return 'NULL' if v is None else f'`"{v}"`'
    if t in (GObject.TYPE_BOOLEAN,):
        return 'true' if pspec.default_value else 'false'
    if t in (GObject.TYPE_INT, GObject.TYPE_UINT, GObject.TYPE_INT64, GObject.TYPE_UINT64, GObject.TYPE_LONG,
             GObject.TYPE_ULONG, GObject.TYPE_CHAR, GObject.TYPE_UCHAR, GObject.TYPE_FLOAT, GObject.TYPE_DOUBLE):
        return str(pspec.default_value)
    return '—'


def fmt_type(pspec):
    t = pspec.value_type
    n = type_name(t)
    ranges = {
        GObject.TYPE_INT: 'int', GObject.TYPE_UINT: 'uint', GObject.TYPE_INT64: 'int64',
        GObject.TYPE_UINT64: 'uint64', GObject.TYPE_LONG: 'long', GObject.TYPE_ULONG: 'ulong',
        GObject.TYPE_FLOAT: 'float', GObject.TYPE_DOUBLE: 'double',
    }
    if t in ranges:
        return f'{ranges[t]} {pspec.minimum}–{pspec.maximum}'
    if t == GObject.TYPE_STRING:
        return 'string'
    if t == GObject.TYPE_BOOLEAN:
        return 'boolean'
    if t.is_a(GObject.TYPE_ENUM):
        return f'enum `{n}`'
    if t.is_a(GObject.TYPE_FLAGS):
        return f'flags `{n}`'
    if t.is_a(GObject.TYPE_OBJECT) or t.is_a(GObject.TYPE_INTERFACE):
        return f'object `{n}`'
    if t.is_a(GObject.TYPE_BOXED):
        return f'boxed `{n}`'
    return f'`{n}`'


def fmt_flags(pspec):
    f = int(pspec.flags)
    out = []
    if f & GObject.ParamFlags.READABLE:
        out.append('r')
    if f & GObject.ParamFlags.WRITABLE:
        out.append('w')
    if f & GObject.ParamFlags.CONSTRUCT_ONLY:
        out.append('construct-only')
    elif f & GObject.ParamFlags.CONSTRUCT:
        out.append('construct')
    if f & GObject.ParamFlags.WRITABLE and not f & GObject.ParamFlags.CONSTRUCT_ONLY:
        if f & Gst.PARAM_MUTABLE_PLAYING:
            out.append('changeable in PLAYING')
        elif f & Gst.PARAM_MUTABLE_PAUSED:
            out.append('up to PAUSED')
        elif f & Gst.PARAM_MUTABLE_READY:
            out.append('up to READY')
    if f & Gst.PARAM_CONTROLLABLE:
        out.append('controllable')
    if f & GObject.ParamFlags.DEPRECATED:
        out.append('deprecated')
    return ', '.join(out)


def own_properties(gtype, exact=False):
    """The properties gst-rtc types define on `gtype` (only `gtype`'s own
    with `exact`: a subclass lists what it adds)."""
    return sorted((p for p in GObject.list_properties(gtype)
                   if (p.owner_type == gtype if exact else OURS.match(p.owner_type.name))),
                  key=lambda p: p.name)


def own_signals(gtype, exact=False):
    out = []
    t = gtype
    while t is not None and t != GObject.TYPE_INVALID and OURS.match(t.name):
        out += [GObject.signal_query(i) for i in GObject.signal_list_ids(t)]
        if exact:
            break
        t = t.parent
    return sorted(out, key=lambda q: q.signal_name)


def ancestry(gtype):
    names = []
    t = gtype
    while t is not None and t != GObject.TYPE_INVALID:
        names.append(t.name)
        t = t.parent
    return names


# --- the document ---------------------------------------------------------------
class Writer:
    def __init__(self, docs):
        self.docs = docs
        self.out = []
        self.reached = {}  # GType name -> GType (objects and enums to describe)
        self.missing = []  # (what, key) without a doc comment or blurb

    def line(self, s=''):
        self.out.append(s)

    def reach(self, gtype):
        if gtype is None:
            return
        if OURS.match(gtype.name) and gtype.name not in self.reached:
            if gtype.is_a(GObject.TYPE_OBJECT) or gtype.is_a(GObject.TYPE_ENUM) or gtype.is_a(GObject.TYPE_FLAGS):
                self.reached[gtype.name] = gtype

    def properties(self, gtype, heading='Properties', exact=False):
        props = own_properties(gtype, exact)
        if not props:
            return
        self.line(f'{heading}:')
        self.line()
        self.line('| property | type | default | flags | description |')
        self.line('|---|---|---|---|---|')
        for p in props:
            ensure_pytype(p)
            self.reach(p.value_type)
            desc = p.blurb or ''
            if not desc.strip() or desc.strip() == p.nick:
                self.missing.append(('blurb', f'{gtype.name}:{p.name}'))
            values = enum_values(p.value_type) if (p.value_type.is_a(GObject.TYPE_ENUM)
                                                   or p.value_type.is_a(GObject.TYPE_FLAGS)) else []
            if values:
                desc += '. Values: ' + ', '.join(f'`{n}` ({v})' for v, n in values)
            self.line(f'| `{p.name}` | {fmt_type(p)} | {fmt_default(p)} | {fmt_flags(p)} | {md(desc)} |')
        self.line()

    def signals(self, gtype, exact=False):
        sigs = own_signals(gtype, exact)
        if not sigs:
            return
        for kind, action in (('Action signals', True), ('Signals', False)):
            chosen = [q for q in sigs if bool(q.signal_flags & GObject.SignalFlags.ACTION) == action]
            if not chosen:
                continue
            self.line(f'{kind}:')
            self.line()
            for q in chosen:
                owner = q.itype.name
                doc = self.docs.get(f'{owner}::{q.signal_name}')
                names = [n for n, _ in doc['params']][1:] if doc else []
                args = [f'{c_type(q.itype)}self']
                for i, pt in enumerate(q.param_types):
                    self.reach(pt)
                    n = names[i] if i < len(names) else f'arg{i}'
                    ct = c_type(pt)
                    args.append(f'{ct}{"" if ct.endswith("*") else " "}{n}')
                ret = c_type(q.return_type)
                self.reach(q.return_type)
                args = [a.replace('*', '* ', 1) if a.count('*') == 1 and '* ' not in a else a for a in args]
                flags = []
                sf = q.signal_flags
                if sf & GObject.SignalFlags.RUN_FIRST:
                    flags.append('run-first')
                if sf & GObject.SignalFlags.RUN_LAST:
                    flags.append('run-last')
                if sf & GObject.SignalFlags.ACTION:
                    flags.append('action')
                self.line(f'- **`{q.signal_name}`** ({", ".join(flags)})')
                self.line()
                self.line('  ```c')
                self.line(f'  {ret} user_function ({", ".join(args)});')
                self.line('  ```')
                self.line()
                if doc:
                    for para in doc['text'].split('\n\n'):
                        self.line(f'  {para}')
                        self.line()
                    for n, t in doc['params'][1:]:
                        self.line(f'  - `{n}`: {t}')
                    if doc['returns']:
                        self.line(f'  - returns: {doc["returns"]}')
                    if doc['params'][1:] or doc['returns']:
                        self.line()
                else:
                    self.missing.append(('doc comment', f'{owner}::{q.signal_name}'))
                    self.line('  (no doc comment in the source: see the element\'s page in docs/)')
                    self.line()

    def element(self, factory):
        el = factory.create(None)
        gtype = factory.get_element_type()
        plugin = factory.get_plugin_name()
        self.line(f'## `{factory.get_name()}`')
        self.line()
        self.line(f'{factory.get_metadata("long-name")}: {factory.get_metadata("description").rstrip(".")}.')
        self.line()
        self.line(f'- type `{gtype.name}` ({" → ".join(ancestry(gtype)[1:])}); '
                  f'plugin `{plugin}`; klass `{factory.get_metadata("klass")}`; rank {factory.get_rank()}')
        ifaces = [i.name for i in GObject.type_interfaces(gtype)]
        if ifaces:
            self.line(f'- interfaces: {", ".join(f"`{i}`" for i in ifaces)}')
        self.line()
        self.line('Pad templates:')
        self.line()
        templates = sorted(el.get_pad_template_list(), key=lambda t: (int(t.direction), t.name_template))
        for t in templates:
            direction = t.direction.value_nick
            presence = {'always': 'always', 'sometimes': 'sometimes', 'request': 'request'}[t.presence.value_nick]
            pad_type = t.get_property('gtype')
            caps = t.get_caps()
            structs = ['ANY'] if caps.is_any() else [caps.get_structure(i).to_string().rstrip(';')
                                                      for i in range(caps.get_size())]
            plain = pad_type.name in ('GstPad', 'void')  # void: the template names no pad type
            extra = '' if plain else f', pad type `{pad_type.name}`'
            self.line(f'- `{t.name_template}`: {direction}, {presence}{extra}; caps:')
            for s in structs:
                self.line(f'  - `{s}`')
            if not plain:
                self.reach(pad_type)
        self.line()
        self.properties(gtype)
        self.signals(gtype)
        el.set_state(Gst.State.NULL)
        del el

    def object(self, gtype):
        self.line(f'### `{gtype.name}`')
        self.line()
        self.line(f'{" → ".join(ancestry(gtype))}')
        parent = gtype.parent
        if OURS.match(parent.name):
            self.line(f'(also everything of `{parent.name}`)')
        self.line()
        self.properties(gtype, exact=True)
        self.signals(gtype, exact=True)
        # Subclasses the plugins register (GstRtcNiceTransport is the
        # GstRtcIceTransport rtcicesrc/rtcicesink create, ...).
        for child in GObject.type_children(gtype):
            self.reach(child)

    def enum(self, gtype):
        kind = 'flags' if gtype.is_a(GObject.TYPE_FLAGS) else 'enum'
        vals = enum_values(gtype)
        self.line(f'- `{gtype.name}` ({kind}): ' + ', '.join(f'`{n}` = {v}' for v, n in vals))


def generate(docs):
    w = Writer(docs)
    reg = Gst.Registry.get()
    plugins = sorted((p for p in reg.get_plugin_list() if p.get_source() == 'gst-rtc'), key=lambda p: p.get_name())
    factories = []
    for p in plugins:
        for f in reg.get_feature_list_by_plugin(p.get_name()):
            if isinstance(f, Gst.ElementFactory):
                factories.append(f.load())
    factories.sort(key=lambda f: f.get_name())
    w.line('# gst-rtc element reference')
    w.line()
    w.line('<!-- Generated by tools/gen-reference.py from the GStreamer registry and the')
    w.line(f'     sources\' doc comments; do not edit. Regenerate: {REGENERATE} -->')
    w.line()
    w.line('Every element of the gst-rtc plugins as the registry describes it (what')
    w.line('`gst-inspect-1.0` shows), with the properties and signals each element type')
    w.line('defines (the inherited `GstObject`/`GstElement`/`GstBin` ones are left out),')
    w.line('then the gst-rtc object types and enums they use. Defaults are the')
    w.line('property specs\' defaults. Flags: r readable, w writable, "up to READY" /')
    w.line('"up to PAUSED": can be set in that state or below, "changeable in PLAYING":')
    w.line('at any time (writable properties without either are settable at any time')
    w.line('as far as GObject is concerned; the element pages in `docs/` say when a')
    w.line('change takes effect).')
    w.line()
    w.line('| element | plugin | what |')
    w.line('|---|---|---|')
    for f in factories:
        w.line(f'| [`{f.get_name()}`](#{f.get_name()}) | `{f.get_plugin_name()}` | {md(f.get_metadata("long-name"))} |')
    w.line()
    for f in factories:
        w.element(f)
    # Objects reached from the elements (and from those objects).
    w.line('## Object types')
    w.line()
    w.line('The gst-rtc GObject types that element properties, pads and signals hand out.')
    w.line()
    done = set()
    while True:
        pending = sorted(n for n, t in w.reached.items() if n not in done and t.is_a(GObject.TYPE_OBJECT)
                         and not t.is_a(Gst.Element))
        if not pending:
            break
        for n in pending:
            done.add(n)
            w.object(w.reached[n])
    w.line('## Enums')
    w.line()
    for n in sorted(n for n, t in w.reached.items() if not t.is_a(GObject.TYPE_OBJECT)):
        w.enum(w.reached[n])
    w.line()
    return '\n'.join(w.out) + '\n', w.missing


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--output', help='write the reference here (default: stdout)')
    ap.add_argument('--check', metavar='FILE', help='exit 1 with a diff when FILE differs from the output')
    ap.add_argument('--missing', action='store_true', help='list properties without a blurb and signals '
                    'without a doc comment on stderr')
    ap.add_argument('--source-root', default=SOURCE_ROOT)
    args = ap.parse_args()
    Gst.init(None)
    text, missing = generate(read_doc_comments(args.source_root))
    if args.missing:
        for what, key in missing:
            print(f'missing {what}: {key}', file=sys.stderr)
    if args.check:
        with open(args.check) as f:
            old = f.read()
        if old != text:
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                       args.check, 'generated', n=1))
            print(f'\n{args.check} is stale. Regenerate it from the build directory:\n  {REGENERATE}',
                  file=sys.stderr)
            return 1
        print(f'{args.check} is up to date')
        return 0
    if args.output:
        with open(args.output, 'w') as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
