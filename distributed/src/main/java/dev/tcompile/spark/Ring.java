package dev.tcompile.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * The replicas' ring: rank r sends to rank r+1 and receives from rank r-1 over TCP, the layout of NCCL's and
 * Horovod's ring all-reduce. Spark's own {@code BarrierTaskContext.allGather} would be simpler but polls for
 * completion once a second, so it only serves the rendezvous (exchanging the ring's addresses).
 *
 * <p>The all-reduce is deterministic: every element is summed by exactly one rank, in a fixed order (chunk c as
 * {@code ((g[c] + g[c+1]) + ...) + g[c-1]}, ranks mod n), and the finished chunks are then copied to everyone, so
 * all replicas get bit-identical sums. Waiting is done in one-second slices that ask {@code alive} whether the
 * task is still wanted, so a stage that Spark kills does not leave replicas blocked on a dead peer.
 */
final class Ring implements AutoCloseable {
  /** Checks between waits; throws when the task has been killed. */
  interface Liveness {
    void check();
  }

  private static final int POLL_MS = 1000;

  private final int rank, size;
  private final Liveness alive;
  private final long timeoutMs;
  private final ServerSocket server;
  private Socket toRight, fromLeft;
  private DataOutputStream out;
  private InputStream in;
  private final ExecutorService sender;

  /**
   * Opens rank {@code rank}'s listening socket on {@code host}, exchanges addresses through {@code allGather}
   * (one string per rank, in rank order) and connects the ring.
   */
  static Ring connect(int rank, int size, String host, Function<String, String[]> allGather, Liveness alive, long timeoutMs)
      throws IOException {
    return new Ring(rank, size, host, allGather, alive, timeoutMs);
  }

  private Ring(int rank, int size, String host, Function<String, String[]> allGather, Liveness alive, long timeoutMs)
      throws IOException {
    this.rank = rank;
    this.size = size;
    this.alive = alive;
    this.timeoutMs = timeoutMs;
    this.sender = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "tcompile-ring-send-" + rank);
      t.setDaemon(true);
      return t;
    });
    this.server = new ServerSocket();
    try {
      server.bind(new InetSocketAddress(host, 0));
      server.setSoTimeout(POLL_MS);
      String[] addresses = allGather.apply(host + ":" + server.getLocalPort());
      if (size > 1) wire(addresses);
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void wire(String[] addresses) throws IOException {
    String right = addresses[(rank + 1) % size];
    int colon = right.lastIndexOf(':');
    toRight = new Socket();
    toRight.setTcpNoDelay(true);
    toRight.connect(new InetSocketAddress(right.substring(0, colon), Integer.parseInt(right.substring(colon + 1))), (int) timeoutMs);
    out = new DataOutputStream(new BufferedOutputStream(toRight.getOutputStream(), 1 << 16));
    out.writeInt(rank);
    out.flush();
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (fromLeft == null) {
      try {
        fromLeft = server.accept();
      } catch (SocketTimeoutException e) {
        waited(deadline, "rank " + ((rank + size - 1) % size) + " to connect");
      }
    }
    fromLeft.setSoTimeout(POLL_MS);
    in = new BufferedInputStream(fromLeft.getInputStream(), 1 << 16);
    int left = ByteBuffer.wrap(read(4)).getInt();
    if (left != (rank + size - 1) % size)
      throw new IOException("ring: rank " + rank + " expected rank " + ((rank + size - 1) % size) + " on its left, got " + left);
  }

  int rank() { return rank; }

  int size() { return size; }

  /** Replaces {@code buf} by the element-wise sum of every rank's {@code buf} (same length on every rank). */
  void allReduceSum(float[] buf) throws IOException {
    if (size == 1) return;
    int n = size;
    float[] incoming = new float[buf.length / n + 1];
    for (int s = 0; s < n - 1; s++) {            // reduce-scatter: rank r ends owning chunk r+1, fully summed
      int send = Math.floorMod(rank - s, n), recv = Math.floorMod(rank - s - 1, n);
      Future<?> sent = sendAsync(buf, chunkStart(buf.length, send), chunkLength(buf.length, send));
      int off = chunkStart(buf.length, recv), len = chunkLength(buf.length, recv);
      receive(incoming, 0, len);
      for (int i = 0; i < len; i++) buf[off + i] = incoming[i] + buf[off + i];
      await(sent);
    }
    for (int s = 0; s < n - 1; s++) {            // all-gather: pass the finished chunks around
      int send = Math.floorMod(rank + 1 - s, n), recv = Math.floorMod(rank - s, n);
      Future<?> sent = sendAsync(buf, chunkStart(buf.length, send), chunkLength(buf.length, send));
      receive(buf, chunkStart(buf.length, recv), chunkLength(buf.length, recv));
      await(sent);
    }
  }

  /** Rank 0's {@code bytes} on every rank (others pass null), passed along the ring. */
  byte[] broadcast(byte[] bytes) throws IOException {
    if (size == 1) return bytes;
    if (rank != 0) bytes = read(ByteBuffer.wrap(read(4)).getInt());
    if ((rank + 1) % size != 0) {
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
    }
    return bytes;
  }

  private static int chunkStart(int length, int k, int n) { return (int) ((long) k * length / n); }

  private int chunkStart(int length, int k) { return chunkStart(length, k, size); }

  private int chunkLength(int length, int k) { return chunkStart(length, k + 1) - chunkStart(length, k); }

  private Future<?> sendAsync(float[] buf, int off, int len) {
    return sender.submit(() -> {
      byte[] bytes = new byte[len * 4];
      ByteBuffer.wrap(bytes).asFloatBuffer().put(buf, off, len);
      out.write(bytes);
      out.flush();
      return null;
    });
  }

  private void await(Future<?> sent) throws IOException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      try {
        sent.get(POLL_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        return;
      } catch (java.util.concurrent.TimeoutException e) {
        waited(deadline, "rank " + ((rank + 1) % size) + " to take its data");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("ring: rank " + rank + " interrupted while sending", e);
      } catch (ExecutionException e) {
        throw new IOException("ring: rank " + rank + " could not send to rank " + ((rank + 1) % size) + ": " + e.getCause(), e.getCause());
      }
    }
  }

  private void receive(float[] dst, int off, int len) throws IOException {
    ByteBuffer.wrap(read(len * 4)).asFloatBuffer().get(dst, off, len);
  }

  private byte[] read(int count) throws IOException {
    byte[] bytes = new byte[count];
    long deadline = System.currentTimeMillis() + timeoutMs;
    int got = 0;
    while (got < count) {
      try {
        int r = in.read(bytes, got, count - got);
        if (r < 0) throw new EOFException("ring: rank " + ((rank + size - 1) % size) + " closed its connection to rank " + rank
            + " (its task failed or was killed)");
        got += r;
      } catch (SocketTimeoutException e) {
        waited(deadline, "data from rank " + ((rank + size - 1) % size));
      }
    }
    return bytes;
  }

  private void waited(long deadline, String what) throws IOException {
    alive.check();
    if (System.currentTimeMillis() > deadline)
      throw new IOException("ring: rank " + rank + " waited more than " + timeoutMs / 1000 + " s for " + what);
  }

  @Override public void close() {
    sender.shutdownNow();
    for (AutoCloseable c : new AutoCloseable[]{out, in, toRight, fromLeft, server}) {
      if (c == null) continue;
      try { c.close(); } catch (Exception ignored) { }  // closing is best effort; peers see EOF either way
    }
  }
}
