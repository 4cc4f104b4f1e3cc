package dev.notifier.cli.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** Reads a YAML config file; every problem stops start-up with the file, the key and the fix. */
public final class ConfigFile {

  private ConfigFile() {
  }

  public static NotifierConfig load(Path file) {
    if (!Files.isReadable(file)) {
      throw new ConfigException("config file " + file + " does not exist or cannot be read: pass --config with "
          + "the path of a YAML file (see config/example.yaml)");
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
        .registerModule(new JavaTimeModule())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    try {
      return yaml.readValue(file.toFile(), NotifierConfig.class);
    } catch (JsonMappingException e) {
      throw new ConfigException("config file " + file + ", key '" + path(e) + "': " + rootMessage(e), e);
    } catch (IOException e) {
      throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof JsonMappingException m) {
      return m.getOriginalMessage();
    }
    return root.getMessage();
  }

  /** A configuration problem a person must fix before the process can start. */
  public static final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message);
    }

    public ConfigException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
