package io.rms.helm;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds fields that fabric8 did not recognise: its model classes keep unknown YAML keys in {@code
 * additionalProperties}, so a misspelt or misplaced key shows up there instead of failing.
 */
final class UnknownFields {
  private UnknownFields() {}

  /** Paths ("Deployment/x.spec.template...foo") of every unknown field under {@code root}. */
  static List<String> in(Object root, String path) {
    List<String> found = new ArrayList<>();
    walk(root, path, found, new IdentityHashMap<>());
    return found;
  }

  private static void walk(
      Object node, String path, List<String> found, IdentityHashMap<Object, Boolean> seen) {
    if (node == null || seen.put(node, Boolean.TRUE) != null) {
      return;
    }
    if (node instanceof Collection<?> list) {
      int i = 0;
      for (Object item : list) {
        walk(item, path + "[" + i++ + "]", found, seen);
      }
      return;
    }
    if (node instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, found, seen));
      return;
    }
    if (!node.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : node.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || getter.getDeclaringClass() == Object.class
          || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))) {
        continue;
      }
      Object value;
      try {
        value = getter.invoke(node);
      } catch (IllegalAccessException | InvocationTargetException e) {
        continue;
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> found.add(path + "." + k));
        }
        continue;
      }
      String name = getter.getName().replaceFirst("^(get|is)", "");
      walk(
          value,
          path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1),
          found,
          seen);
    }
  }
}
