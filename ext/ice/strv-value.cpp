#include "strv-value.h"

#include <gst/gst.h>

#include <string>
#include <vector>

namespace {

// Parses <"a", "b"> (quoted items, backslash escapes) or a bare a,b list.
bool parse(const gchar *s, std::vector<std::string> &out) {
  std::string text(s);
  auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return true;  // empty list
  if (text[first] != '<' && text[first] != '{') {
    std::size_t pos = 0;
    while (pos <= text.size()) {
      auto comma = text.find(',', pos);
      std::string item = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
      auto b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
      if (b == std::string::npos) return false;  // empty item
      out.push_back(item.substr(b, e - b + 1));
      if (comma == std::string::npos) break;
      pos = comma + 1;
    }
    return true;
  }
  char close = text[first] == '<' ? '>' : '}';
  std::size_t i = first + 1;
  auto skip = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  skip();
  if (i < text.size() && text[i] == close) return text.find_first_not_of(" \t", i + 1) == std::string::npos;
  while (i < text.size()) {
    skip();
    if (i >= text.size() || text[i] != '"') return false;
    ++i;
    std::string item;
    while (i < text.size() && text[i] != '"') {
      if (text[i] == '\\' && i + 1 < text.size()) ++i;
      item.push_back(text[i++]);
    }
    if (i >= text.size()) return false;  // unterminated
    ++i;
    out.push_back(std::move(item));
    skip();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (i < text.size() && text[i] == close) return text.find_first_not_of(" \t", i + 1) == std::string::npos;
    return false;
  }
  return false;
}

gboolean deserialize(GValue *dest, const gchar *s) {
  std::vector<std::string> items;
  if (!s || !parse(s, items)) return FALSE;
  gchar **v = g_new0(gchar *, items.size() + 1);
  for (std::size_t k = 0; k < items.size(); ++k) v[k] = g_strdup(items[k].c_str());
  g_value_take_boxed(dest, v);
  return TRUE;
}

gchar *serialize(const GValue *value) {
  auto *v = static_cast<const gchar *const *>(g_value_get_boxed(value));
  GString *out = g_string_new("<");
  for (std::size_t k = 0; v && v[k]; ++k) {
    if (k) g_string_append(out, ", ");
    g_string_append_c(out, '"');
    for (const gchar *c = v[k]; *c; ++c) {
      if (*c == '"' || *c == '\\') g_string_append_c(out, '\\');
      g_string_append_c(out, *c);
    }
    g_string_append_c(out, '"');
  }
  g_string_append_c(out, '>');
  return g_string_free(out, FALSE);
}

}  // namespace

void gst_rtc_ice_register_strv_value() {
  static gsize once = 0;
  if (!g_once_init_enter(&once)) return;
  GValue probe = G_VALUE_INIT;
  g_value_init(&probe, G_TYPE_STRV);
  // A GStreamer that reads GStrv itself keeps its own (1.24 and later).
  if (!gst_value_deserialize(&probe, "<\"x\">")) {
    static GstValueTable table = {G_TYPE_STRV, nullptr, serialize, deserialize, {nullptr}};
    table.type = G_TYPE_STRV;
    gst_value_register(&table);
  }
  g_value_unset(&probe);
  g_once_init_leave(&once, 1);
}
