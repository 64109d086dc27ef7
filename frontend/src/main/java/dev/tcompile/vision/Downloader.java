package dev.tcompile.vision;

import dev.tcompile.TorchException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * torchvision's {@code download()}: each missing file is fetched from the first mirror that serves it with
 * the published MD5, written to a temporary file and moved into place, so a failed or interrupted download
 * never leaves a half file behind. Files already present are kept (torchvision likewise only checks that
 * they exist). When no mirror answers the error says exactly which files to put where.
 */
final class Downloader {
  private Downloader() {}

  /** A file as published: its name on the mirrors, its MD5 and its size in bytes (no download may exceed it). */
  record Remote(String name, String md5, long size) {}

  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(20))
      .followRedirects(HttpClient.Redirect.NORMAL)
      .build();

  static void fetchMissing(Path dir, List<String> mirrors, List<Remote> files) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new TorchException("cannot create " + dir.toAbsolutePath() + ": " + e, e);
    }
    for (Remote f : files) {
      if (present(dir, f)) continue;
      StringBuilder failures = new StringBuilder();
      boolean done = false;
      for (String mirror : mirrors) {
        String url = mirror + f.name();
        try {
          System.out.println("Downloading " + url + " to " + dir.resolve(f.name()));
          fetch(URI.create(url), f, dir);
          done = true;
          break;
        } catch (IOException | RuntimeException e) {
          failures.append("\n  ").append(url).append(": ").append(e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new TorchException("interrupted while downloading " + url, e);
        }
      }
      if (!done) throw new TorchException("Error downloading " + f.name() + " from every mirror:" + failures
          + "\nIf this machine is offline, fetch the files elsewhere and put them in " + dir.toAbsolutePath()
          + "/ (gzip-compressed or not): " + String.join(", ", files.stream().map(Remote::name).toList()));
    }
  }

  /** The file or its uncompressed form already exists. */
  static boolean present(Path dir, Remote f) {
    return Files.isRegularFile(dir.resolve(f.name())) || Files.isRegularFile(dir.resolve(stripGz(f.name())));
  }

  static String stripGz(String name) { return name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name; }

  private static void fetch(URI uri, Remote f, Path dir) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5))
        .header("User-Agent", "tcompile").GET().build();
    HttpResponse<InputStream> response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
    Path tmp = Files.createTempFile(dir, f.name() + ".", ".part");
    try {
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) throw new IOException("HTTP status " + response.statusCode());
        long announced = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (announced > f.size()) throw new IOException("the server announces " + announced + " bytes, more than the " + f.size() + " expected");
        MessageDigest md5 = md5();
        try (DigestInputStream in = new DigestInputStream(body, md5); OutputStream out = Files.newOutputStream(tmp)) {
          copyAtMost(in, out, f.size());
        }
        String got = HexFormat.of().formatHex(md5.digest());
        if (!got.equalsIgnoreCase(f.md5())) throw new IOException("MD5 mismatch: got " + got + ", expected " + f.md5());
      }
      dev.tcompile.runtime.io.AtomicFiles.move(tmp, dir.resolve(f.name()));
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Copies a body that must not exceed {@code limit} bytes: a server that never stops cannot fill the disk. */
  static long copyAtMost(InputStream in, OutputStream out, long limit) throws IOException {
    byte[] buf = new byte[1 << 16];
    long total = 0;
    for (int r; (r = in.read(buf)) >= 0; ) {
      total += r;
      if (total > limit) throw new IOException("the server sent more than the expected " + limit + " bytes");
      out.write(buf, 0, r);
    }
    return total;
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides MD5", e);
    }
  }
}
