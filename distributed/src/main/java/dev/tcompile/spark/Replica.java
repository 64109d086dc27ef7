package dev.tcompile.spark;

import dev.tcompile.Tensor;
import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import dev.tcompile.nn.Module;
import dev.tcompile.nn.Parameter;
import dev.tcompile.optim.Optimizer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.BarrierTaskContext;

/**
 * One barrier task: a model replica training on its shard with DDP's semantics. Each step it runs forward and
 * backward on its slice of the global batch, sums every replica's gradients (and losses) over the ring, divides by
 * the number of replicas, so the gradient is that of the mean loss over the whole global batch, and applies the
 * same optimiser step as every other replica. Rank 0 starts everyone from the same state (its fresh model, or the
 * latest checkpoint when the stage is a retry) and writes the checkpoints.
 */
final class Replica {
  /** Model construction reads the JVM-wide random generator; in local mode several replicas share one JVM. */
  private static final Object BUILD_LOCK = new Object();

  private final TrainConfig cfg;

  Replica(TrainConfig cfg) { this.cfg = cfg; }

  Iterator<ReplicaReport> run(Iterator<ShardRow> rows) throws Exception {
    BarrierTaskContext ctx = BarrierTaskContext.get();
    int rank = ctx.partitionId(), size = ctx.getTaskInfos().length;
    ShardPlan plan = cfg.plan();
    if (size != plan.replicas())
      throw new TorchException("SparkTrainer: the barrier stage has " + size + " tasks but " + plan.replicas() + " replicas were planned");
    Tensor[] shard = readShard(rows, rank);

    Module model;
    Optimizer optimizer;
    synchronized (BUILD_LOCK) {
      Torch.manualSeed(cfg.seed());
      model = cfg.model().create();
      optimizer = cfg.optimizer().create(model.parameters());
    }
    model.train();
    List<Parameter> params = model.parameters();

    String host = ctx.getTaskInfos()[rank].address();
    host = host.substring(0, host.lastIndexOf(':'));
    try (Ring ring = Ring.connect(rank, size, host, ctx::allGather, ctx::killTaskIfInterrupted, cfg.ringTimeoutMs())) {
      long start = startFromRankZero(ring, model, optimizer);
      int m = plan.perReplica();
      float[] buf = new float[flatLength(params) + 1];
      float[] losses = new float[(int) (cfg.totalSteps() - start)];
      long allReduceNanos = 0, loopStart = System.nanoTime();
      int[] order = null;
      for (long step = start; step < cfg.totalSteps(); step++) {
        long epoch = step / plan.stepsPerEpoch();
        int within = (int) (step % plan.stepsPerEpoch());
        if (order == null || within == 0 || step == start) order = plan.batchOrder(epoch, cfg.shuffleBatches(), cfg.seed());
        int batch = order[within];
        Tensor x = shard[0].narrow(0, batch * m, m).contiguous(), y = shard[1].narrow(0, batch * m, m).contiguous();

        optimizer.zeroGrad();
        Tensor loss = cfg.loss().apply(model.forward(x), y);
        loss.backward();

        float globalLoss = loss.item();
        if (size > 1) {                          // one replica: its gradients are already the global batch's
          long t0 = System.nanoTime();
          packGradients(params, globalLoss, buf);
          ring.allReduceSum(buf);
          float scale = 1f / size;
          for (int i = 0; i < buf.length; i++) buf[i] *= scale;
          unpackGradients(params, buf);
          globalLoss = buf[buf.length - 1];
          allReduceNanos += System.nanoTime() - t0;
        }
        optimizer.step();
        losses[(int) (step - start)] = globalLoss;
        if (cfg.listener() != null) cfg.listener().afterStep(rank, step + 1, globalLoss);
        if (rank == 0 && cfg.checkpointDir() != null
            && ((step + 1) % cfg.checkpointEvery() == 0 || step + 1 == cfg.totalSteps()))
          Checkpoints.write(Path.of(cfg.checkpointDir()), step + 1, model.stateDict(), OptimizerState.flatten(optimizer));
      }
      long loopNanos = System.nanoTime() - loopStart;
      byte[] state = rank == 0 ? TensorBlob.encode(cfg.totalSteps(), model.stateDict()) : null;
      return List.of(new ReplicaReport(rank, ctx.stageAttemptNumber(), start, cfg.totalSteps(), sha256(params), state,
          losses, loopNanos, allReduceNanos)).iterator();
    }
  }

  /** The shard as an input tensor {@code [rows, inputShape...]} and a label tensor, rows in shard order. */
  private Tensor[] readShard(Iterator<ShardRow> rows, int rank) {
    ShardPlan plan = cfg.plan();
    int features = 1;
    for (int d : cfg.inputShape()) features *= d;
    int count = plan.shardRows();
    float[] x = new float[count * features];
    long[] y = new long[count];
    boolean[] seen = new boolean[count];
    int got = 0;
    while (rows.hasNext()) {
      ShardRow row = rows.next();
      float[] f = row.example().features();
      if (f.length != features)
        throw new TorchException("SparkTrainer: row " + row.index() + " has " + f.length + " features, but the input shape "
            + java.util.Arrays.toString(cfg.inputShape()) + " needs " + features);
      int at = plan.positionInShard(row.index());
      if (plan.rankOf(row.index()) != rank || seen[at])
        throw new TorchException("SparkTrainer: row " + row.index() + " reached replica " + rank + " by mistake");
      seen[at] = true;
      System.arraycopy(f, 0, x, at * features, features);
      y[at] = row.example().label();
      got++;
    }
    if (got != count) throw new TorchException("SparkTrainer: replica " + rank + " received " + got + " rows, expected " + count);
    int[] shape = new int[cfg.inputShape().length + 1];
    shape[0] = count;
    System.arraycopy(cfg.inputShape(), 0, shape, 1, cfg.inputShape().length);
    return new Tensor[]{Torch.fromArray(x, shape), Torch.fromArray(y, count)};
  }

  /**
   * Makes every replica start from rank 0's state: its fresh parameters, or on a retried stage the latest
   * checkpoint's parameters and optimiser state. Returns the step to start from.
   */
  private long startFromRankZero(Ring ring, Module model, Optimizer optimizer) throws Exception {
    byte[] modelBlob = null, optimizerBlob = null;
    if (ring.rank() == 0) {
      Optional<Checkpoints.Checkpoint> saved = cfg.checkpointDir() == null ? Optional.empty()
          : Checkpoints.latest(Path.of(cfg.checkpointDir()));
      if (saved.isPresent() && saved.get().step() > cfg.totalSteps())
        throw new TorchException("SparkTrainer: the checkpoint " + saved.get().folder() + " is past the " + cfg.totalSteps()
            + " steps asked for; use an empty checkpoint folder for a new run");
      long step = saved.map(Checkpoints.Checkpoint::step).orElse(0L);
      modelBlob = TensorBlob.encode(step, saved.map(Checkpoints.Checkpoint::model).orElse(model.stateDict()));
      optimizerBlob = TensorBlob.encode(step, saved.map(Checkpoints.Checkpoint::optimizer).orElse(Map.of()));
    }
    modelBlob = ring.broadcast(modelBlob);
    optimizerBlob = ring.broadcast(optimizerBlob);
    model.loadStateDict(TensorBlob.decode(modelBlob), true);
    Map<String, Tensor> optState = TensorBlob.decode(optimizerBlob);
    if (!optState.isEmpty()) OptimizerState.restore(optimizer, optState);
    return TensorBlob.step(modelBlob);
  }

  private static int flatLength(List<Parameter> params) {
    long n = 0;
    for (Parameter p : params) n += p.numel();
    if (n + 1 > Integer.MAX_VALUE - 8) throw new TorchException("SparkTrainer: " + n + " parameters do not fit one all-reduce buffer");
    return (int) n;
  }

  /** Every parameter's gradient (zeros where a replica has none) and the loss, in parameter order. */
  private static void packGradients(List<Parameter> params, float loss, float[] buf) {
    int at = 0;
    for (Parameter p : params) {
      int n = (int) p.numel();
      Tensor g = p.grad();
      if (g == null) java.util.Arrays.fill(buf, at, at + n, 0f);
      else System.arraycopy(g.contiguous().toFloatArray(), 0, buf, at, n);
      at += n;
    }
    buf[at] = loss;
  }

  private static void unpackGradients(List<Parameter> params, float[] buf) {
    int at = 0;
    for (Parameter p : params) {
      int n = (int) p.numel();
      float[] g = new float[n];
      System.arraycopy(buf, at, g, 0, n);
      p.setGrad(Torch.fromArray(g, p.shapeArray()));
      at += n;
    }
  }

  /** SHA-256 of the parameters' float bits in order: equal digests mean bit-identical replicas. */
  static String sha256(List<Parameter> params) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Parameter p : params) {
        float[] v = p.detach().contiguous().toFloatArray();
        ByteBuffer bytes = ByteBuffer.allocate(v.length * 4);
        bytes.asFloatBuffer().put(v);
        digest.update(bytes.array());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
