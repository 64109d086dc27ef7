package dev.tcompile.vision;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import dev.tcompile.TorchException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads against a local HTTP server (success, bad checksum, fallback mirror) and a refused port (offline). */
class DownloadTest {
  @TempDir Path dir;
  HttpServer server;
  final Map<String, byte[]> served = new ConcurrentHashMap<>();
  final Map<String, Integer> hits = new ConcurrentHashMap<>();

  @BeforeEach void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      hits.merge(path, 1, Integer::sum);
      byte[] body = served.get(path);
      ex.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
      if (body != null) try (OutputStream out = ex.getResponseBody()) { out.write(body); }
      ex.close();
    });
    server.start();
  }

  @AfterEach void stop() { server.stop(0); }

  String base(String folder) { return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + folder + "/"; }

  static String refusedMirror() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) { port = s.getLocalPort(); }
    return "http://127.0.0.1:" + port + "/mnist/";
  }

  static String md5(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(b));
  }

  @Test void fetchesFromTheFirstMirrorWithTheRightChecksum() throws Exception {
    byte[] good = IdxFileTest.gzip(IdxFileTest.idx(0x801, new int[]{3}, 3));
    served.put("/bad/f.gz", new byte[]{1, 2, 3});
    served.put("/good/f.gz", good);
    Path raw = dir.resolve("X/raw");
    Downloader.fetchMissing(raw, List.of(refusedMirror(), base("missing"), base("bad"), base("good")),
        List.of(new Downloader.Remote("f.gz", md5(good), good.length)));
    assertArrayEquals(good, Files.readAllBytes(raw.resolve("f.gz")));
    try (var files = Files.list(raw)) { assertEquals(1, files.count(), "no temporary file left behind"); }
    Downloader.fetchMissing(raw, List.of(base("good")), List.of(new Downloader.Remote("f.gz", md5(good), good.length)));
    assertEquals(1, hits.get("/good/f.gz"), "a file already present is not fetched again");
  }

  @Test void mnistDownloadsAllFourFilesThenReadsThem() throws Exception {
    String[][] files = {{"train-images-idx3-ubyte.gz", "803", "2"}, {"train-labels-idx1-ubyte.gz", "801", "2"},
        {"t10k-images-idx3-ubyte.gz", "803", "1"}, {"t10k-labels-idx1-ubyte.gz", "801", "1"}};
    java.util.List<Downloader.Remote> remotes = new java.util.ArrayList<>();
    for (String[] f : files) {
      int n = Integer.parseInt(f[2]);
      boolean images = f[1].equals("803");
      byte[] gz = IdxFileTest.gzip(images ? IdxFileTest.idx(0x803, new int[]{n, 28, 28}, n * 784) : IdxFileTest.idx(0x801, new int[]{n}, n));
      served.put("/mnist/" + f[0], gz);
      remotes.add(new Downloader.Remote(f[0], md5(gz), gz.length));
    }
    Downloader.fetchMissing(dir.resolve("MNIST/raw"), List.of(base("mnist")), remotes);
    MNIST train = new MNIST(dir.toString(), true, false, null), test = new MNIST(dir.toString(), false, false, null);
    assertEquals(2, train.size());
    assertEquals(1, test.size());
  }

  @Test void aDownloadLargerThanTheFileIsCutOff() throws Exception {
    byte[] good = IdxFileTest.gzip(IdxFileTest.idx(0x801, new int[]{3}, 3));
    byte[] endless = new byte[good.length * 100];
    served.put("/big/f.gz", endless);
    Path raw = dir.resolve("Y/raw");
    TorchException e = assertThrows(TorchException.class,
        () -> Downloader.fetchMissing(raw, List.of(base("big")), List.of(new Downloader.Remote("f.gz", md5(good), good.length))));
    assertTrue(e.getMessage().contains("more than the " + good.length), e.getMessage());
    try (var left = Files.list(raw)) { assertEquals(0, left.count(), "nothing half-written"); }
  }

  @Test void offlineFailsSayingWhereToPutTheFiles() throws Exception {
    String refused = refusedMirror();
    TorchException e = assertThrows(TorchException.class,
        () -> new MNIST(dir.toString(), true, true, null, List.of(refused, base("nothing-here"))));
    String m = e.getMessage();
    assertTrue(m.startsWith("Error downloading train-images-idx3-ubyte.gz from every mirror:"), m);
    assertTrue(m.contains(refused + "train-images-idx3-ubyte.gz: java.net.ConnectException"), m);
    assertTrue(m.contains("HTTP status 404"), m);
    assertTrue(m.contains("put them in " + dir.resolve("MNIST/raw").toAbsolutePath() + "/"), m);
    assertTrue(m.contains("train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz"), m);
    try (var left = Files.list(dir.resolve("MNIST/raw"))) { assertEquals(0, left.count(), "nothing half-written"); }
  }

  @Test void presentFilesMeanNoDownload() throws Exception {
    MNIST m = new MNIST(DataGoldens.sampleRoot(), false, true, null, List.of(refusedMirror()));
    assertEquals(2000, m.size());
  }
}
