package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The image Jib wrote with {@code jib:buildTar} (docker-load format: manifest.json, the config JSON
 * and one gzipped tar per layer), unpacked into a directory so that tests read its config and the
 * files its layers hold, exactly as a container runtime would stack them.
 */
final class ImageTar {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A file of the image's root file system: path without a leading slash, mode, type, size. */
  record Entry(String path, int mode, boolean directory, boolean symlink, long size) {
  }

  private final Path dir;
  private final JsonNode manifest;
  private final JsonNode config;

  private ImageTar(Path dir) throws IOException {
    this.dir = dir;
    JsonNode manifests = JSON.readTree(dir.resolve("manifest.json").toFile());
    assertThat(manifests.size()).as("images in the tarball").isEqualTo(1);
    this.manifest = manifests.get(0);
    this.config = JSON.readTree(dir.resolve(manifest.path("Config").asText()).toFile());
  }

  /** The tarball the build wrote (system property image.tar), unpacked into {@code workDir}. */
  static ImageTar fromBuild(Path workDir) {
    Path tar = Path.of(System.getProperty("image.tar", "target/jib-image.tar"));
    assertThat(tar).as("the image tarball: build it with ./mvnw -pl image -am package").isRegularFile();
    try {
      unpack(tar, workDir);
      return new ImageTar(workDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode manifest() {
    return manifest;
  }

  /** The image config's {@code config} object: Entrypoint, Cmd, Env, User, WorkingDir, ExposedPorts... */
  JsonNode containerConfig() {
    return config.path("config");
  }

  JsonNode config() {
    return config;
  }

  /** The layer tarballs, bottom first. */
  List<Path> layers() {
    List<Path> layers = new ArrayList<>();
    manifest.path("Layers").forEach(l -> layers.add(dir.resolve(l.asText())));
    return layers;
  }

  /** Every path of the stacked layers (an upper layer's entry replaces a lower one's). */
  Map<String, Entry> files() {
    Map<String, Entry> files = new LinkedHashMap<>();
    for (Path layer : layers()) {
      eachEntry(layer, (entry, in) -> {
        String path = normalize(entry.getName());
        assertThat(path).as("whiteout in a layer of an image FROM scratch").doesNotContain(".wh.");
        files.put(path, new Entry(path, entry.getMode() & 07777, entry.isDirectory(), entry.isSymbolicLink(),
            entry.getSize()));
      });
    }
    return files;
  }

  /** The content of a file of the image (the uppermost layer's), as UTF-8 text. */
  String text(String path) {
    String wanted = normalize(path);
    String[] found = new String[1];
    for (Path layer : layers()) {
      eachEntry(layer, (entry, in) -> {
        if (normalize(entry.getName()).equals(wanted) && entry.isFile()) {
          found[0] = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      });
    }
    assertThat(found[0]).as(path + " in the image").isNotNull();
    return found[0];
  }

  private interface EntryVisitor {
    void visit(TarArchiveEntry entry, InputStream in) throws IOException;
  }

  private static void eachEntry(Path layer, EntryVisitor visitor) {
    try (TarArchiveInputStream in = new TarArchiveInputStream(
        new GZIPInputStream(new BufferedInputStream(Files.newInputStream(layer)), 1 << 16))) {
      for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        visitor.visit(entry, in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read layer " + layer, e);
    }
  }

  private static void unpack(Path tar, Path into) throws IOException {
    try (TarArchiveInputStream in = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(tar)))) {
      for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        Path target = into.resolve(normalize(entry.getName())).normalize();
        assertThat(target.startsWith(into)).as("entry " + entry.getName() + " stays in the directory").isTrue();
        if (entry.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  private static String normalize(String name) {
    String path = name.startsWith("./") ? name.substring(2) : name;
    path = path.startsWith("/") ? path.substring(1) : path;
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
