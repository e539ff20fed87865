package dev.coralmux.relay.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Reading one configuration file: the given path, else the one an environment variable names, else the default. */
final class ConfigFile {
  private ConfigFile() {}

  /**
   * @return the file's JSON object; an empty one when the default file does not exist (an
   *     explicitly named file must exist)
   */
  static JsonObject read(Path file, Map<String, String> env, String envVar, Path defaultFile) {
    boolean explicit = file != null || env.containsKey(envVar);
    Path path = file != null ? file : Path.of(env.getOrDefault(envVar, defaultFile.toString()));
    try {
      return new JsonObject(Files.readString(path, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      if (explicit) throw new ConfigException(List.of(path + ": no such file"));
      return new JsonObject();
    } catch (IOException e) {
      throw new ConfigException(List.of(path + ": cannot read: " + e.getMessage()));
    } catch (DecodeException | ClassCastException e) {
      String m = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      throw new ConfigException(List.of(path + ": not a JSON object: " + m));
    }
  }
}
