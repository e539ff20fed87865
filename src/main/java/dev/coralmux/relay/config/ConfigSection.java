package dev.coralmux.relay.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Typed reads from one JSON object of the configuration. Problems (wrong types, out-of-range
 * values, unknown keys) are collected with the full key path rather than thrown one at a time, so
 * an operator sees all of them at once.
 */
final class ConfigSection {
  private final JsonObject json;
  private final String path;
  private final List<String> problems;
  private final Set<String> known = new HashSet<>();
  private final Set<String> everyKey; // every key any section read, qualified (for the docs check)

  ConfigSection(JsonObject json, String path, List<String> problems) {
    this(json, path, problems, new java.util.TreeSet<>());
  }

  private ConfigSection(JsonObject json, String path, List<String> problems, Set<String> everyKey) {
    this.json = json == null ? new JsonObject() : json;
    this.path = path;
    this.problems = problems;
    this.everyKey = everyKey;
  }

  List<String> problems() {
    return problems;
  }

  /** Every key read so far through this section and its subsections, qualified ({@code websocket.compression}). */
  Set<String> keysRead() {
    return everyKey;
  }

  String string(String key, String def) {
    Object v = take(key);
    if (v == null) return def;
    if (v instanceof String s) return s;
    problem(key, "expected a string, got " + describe(v));
    return def;
  }

  boolean bool(String key, boolean def) {
    Object v = take(key);
    if (v == null) return def;
    if (v instanceof Boolean b) return b;
    problem(key, "expected true or false, got " + describe(v));
    return def;
  }

  long number(String key, long def, long min, long max) {
    Object v = take(key);
    if (v == null) return def;
    if (v instanceof Integer || v instanceof Long) {
      long n = ((Number) v).longValue();
      if (n < min || n > max) {
        problem(key, "must be between " + min + " and " + max + ", got " + n);
        return def;
      }
      return n;
    }
    problem(key, "expected an integer, got " + describe(v));
    return def;
  }

  int integer(String key, int def, int min, int max) {
    return (int) number(key, def, min, max);
  }

  List<String> strings(String key) {
    Object v = take(key);
    List<String> out = new ArrayList<>();
    if (v == null) return out;
    if (!(v instanceof JsonArray arr)) {
      problem(key, "expected a list of strings, got " + describe(v));
      return out;
    }
    for (Object item : arr) {
      if (item instanceof String s) out.add(s);
      else problem(key, "expected a list of strings, found " + describe(item));
    }
    return out;
  }

  ConfigSection section(String key) {
    Object v = take(key);
    if (v != null && !(v instanceof JsonObject)) {
      problem(key, "expected an object, got " + describe(v));
      v = null;
    }
    return new ConfigSection((JsonObject) v, qualify(key), problems, everyKey);
  }

  /** Reports keys that no read asked for: typos must not be silently ignored. */
  void rejectUnknownKeys() {
    for (String key : json.fieldNames()) {
      if (!known.contains(key) && !key.startsWith("_")) {
        problem(key, "unknown key (keys starting with '_' are ignored, e.g. for comments)");
      }
    }
  }

  void problem(String key, String what) {
    problems.add(qualify(key) + ": " + what);
  }

  private Object take(String key) {
    known.add(key);
    everyKey.add(qualify(key));
    return json.getValue(key);
  }

  private String qualify(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private static String describe(Object v) {
    if (v instanceof String s) return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    if (v instanceof JsonObject) return "an object";
    if (v instanceof JsonArray) return "a list";
    return String.valueOf(v);
  }
}
