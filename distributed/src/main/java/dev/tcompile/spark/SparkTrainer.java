package dev.tcompile.spark;

import dev.tcompile.Tensor;
import dev.tcompile.TorchException;
import dev.tcompile.data.Dataset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Synchronous data-parallel training on Apache Spark with PyTorch DistributedDataParallel's semantics.
 *
 * <pre>{@code
 * TrainResult r = new SparkTrainer(MnistNet::new, (out, t) -> F.nllLoss(out, t), ps -> new SGD(ps, 0.01, 0.5))
 *     .replicas(4).globalBatchSize(64).epochs(2).inputShape(1, 28, 28).checkpointDir("/shared/ckpt")
 *     .fit(rowsRdd);                         // JavaRDD<Example>
 * model.loadStateDict(r.stateDict(), true);
 * }</pre>
 *
 * One Spark barrier stage runs {@code replicas} tasks at once, each holding a replica of the model. Global batch b
 * is rows {@code [b*B, (b+1)*B)} of the data set in its order; each replica trains on its {@code B/replicas} rows of
 * it, the gradients are summed over a TCP ring between the tasks and divided by the number of replicas, and every
 * replica applies the same optimiser step, so the result is that of one process training on the global batches
 * (up to float32 reassociation in the sums), and the replicas stay bit-identical (checked at the end).
 *
 * <p>Failures: rank 0 writes a checkpoint every {@link #checkpointEvery} steps; when a task fails, Spark fails and
 * reruns the whole barrier stage (up to {@code spark.stage.maxConsecutiveAttempts}, 4 by default) and the rerun
 * resumes from the latest checkpoint. A checkpoint folder that already holds checkpoints is resumed from, too.
 */
public final class SparkTrainer {
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\d+|\\*)(?:\\s*,\\s*\\d+)?])?");

  private final ModelFactory model;
  private final TrainLoss loss;
  private final OptimizerFactory optimizer;
  private int replicas = 2, globalBatch = 64, epochs = 1;
  private long maxSteps = Long.MAX_VALUE, seed = 0, checkpointEvery = 100;
  private int[] inputShape;
  private boolean shuffleBatches;
  private String checkpointDir;
  private StepListener listener;
  private Duration ringTimeout = Duration.ofMinutes(10);

  public SparkTrainer(ModelFactory model, TrainLoss loss, OptimizerFactory optimizer) {
    this.model = model;
    this.loss = loss;
    this.optimizer = optimizer;
  }

  /** Number of replicas, one barrier task each (default 2). The cluster needs that many free task slots at once. */
  public SparkTrainer replicas(int n) {
    if (n < 1) throw new TorchException("SparkTrainer: replicas must be at least 1, got " + n);
    replicas = n;
    return this;
  }

  /** Rows per optimiser step over all replicas together (default 64); a multiple of the number of replicas. */
  public SparkTrainer globalBatchSize(int b) {
    if (b < 1) throw new TorchException("SparkTrainer: the global batch size must be positive, got " + b);
    globalBatch = b;
    return this;
  }

  public SparkTrainer epochs(int e) {
    if (e < 1) throw new TorchException("SparkTrainer: epochs must be at least 1, got " + e);
    epochs = e;
    return this;
  }

  /** Stops after this many optimiser steps in all, even within an epoch. */
  public SparkTrainer maxSteps(long s) {
    if (s < 1) throw new TorchException("SparkTrainer: maxSteps must be at least 1, got " + s);
    maxSteps = s;
    return this;
  }

  /** The shape of one row's input, e.g. {@code (1, 28, 28)}: a batch is {@code [rows, shape...]}. */
  public SparkTrainer inputShape(int... shape) {
    for (int d : shape) if (d < 1) throw new TorchException("SparkTrainer: input shape dimensions must be positive");
    inputShape = shape.clone();
    return this;
  }

  /** {@code Torch.manualSeed} before building each replica, and the seed of the batch order (default 0). */
  public SparkTrainer seed(long s) {
    seed = s;
    return this;
  }

  /** Visits each epoch's global batches in an order drawn from the seed ({@link ShardPlan#batchOrder}); default off. */
  public SparkTrainer shuffleBatches(boolean on) {
    shuffleBatches = on;
    return this;
  }

  /** Where rank 0 writes checkpoints; every executor's rank 0 must reach it (a shared file system on a cluster). */
  public SparkTrainer checkpointDir(Path dir) {
    checkpointDir = dir.toAbsolutePath().toString();
    return this;
  }

  /** A checkpoint every {@code k} steps, and one after the last (default 100). */
  public SparkTrainer checkpointEvery(long k) {
    if (k < 1) throw new TorchException("SparkTrainer: checkpointEvery must be at least 1, got " + k);
    checkpointEvery = k;
    return this;
  }

  public SparkTrainer listener(StepListener l) {
    listener = l;
    return this;
  }

  /** How long a replica waits for its ring neighbours before failing (default 10 minutes). */
  public SparkTrainer ringTimeout(Duration d) {
    ringTimeout = d;
    return this;
  }

  /** Trains on the items {@code [input, label]} of an in-memory data set, parallelised over {@code sc}. */
  public TrainResult fit(JavaSparkContext sc, Dataset<Tensor[]> data) {
    List<Example> rows = new ArrayList<>(data.size());
    for (int i = 0; i < data.size(); i++) {
      Tensor[] item = data.get(i);
      if (item.length < 2) throw new TorchException("SparkTrainer: data set items must be [input, label], item " + i + " has " + item.length);
      rows.add(new Example(item[0].contiguous().toFloatArray(), item[1].toLongArray()[0]));
    }
    return fit(sc.parallelize(rows, Math.max(1, Math.min(replicas, rows.size()))));
  }

  /** Trains on {@code rows} in their RDD order and returns the trained state dict on the driver. */
  public TrainResult fit(JavaRDD<Example> rows) {
    if (inputShape == null) throw new TorchException("SparkTrainer: call inputShape(...) with the shape of one row's input, e.g. (1, 28, 28)");
    if (globalBatch % replicas != 0)
      throw new TorchException("SparkTrainer: the global batch size " + globalBatch + " is not divisible by " + replicas + " replicas");
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(rows.context());
    checkSlots(sc);
    long[] offsets = partitionOffsets(rows);
    long count = offsets[offsets.length - 1];
    if (count / globalBatch == 0)
      throw new TorchException("SparkTrainer: the data has " + count + " rows, fewer than one global batch of " + globalBatch);
    if (count / globalBatch > Integer.MAX_VALUE) throw new TorchException("SparkTrainer: too many global batches per epoch");
    ShardPlan plan = new ShardPlan(replicas, globalBatch, (int) (count / globalBatch));
    long total = Math.min(maxSteps, (long) epochs * plan.stepsPerEpoch());
    TrainConfig cfg = new TrainConfig(model, loss, optimizer, listener, inputShape, plan, total, seed, shuffleBatches,
        checkpointDir, checkpointEvery, ringTimeout.toMillis());

    JavaRDD<Tuple2<Integer, ShardRow>> keyed = rows.mapPartitionsWithIndex((partition, it) -> {
      List<Tuple2<Integer, ShardRow>> out = new ArrayList<>();
      for (long index = offsets[partition]; it.hasNext(); index++) {
        Example row = it.next();
        int rank = plan.rankOf(index);
        if (rank >= 0) out.add(new Tuple2<>(rank, new ShardRow(index, row)));
      }
      return out.iterator();
    }, true);
    JavaRDD<ShardRow> byReplica = JavaPairRDD.fromJavaRDD(keyed).partitionBy(new HashPartitioner(replicas)).values();
    // The shuffle after the barrier stage makes it a map stage, which Spark reruns as a whole when a task fails
    // (a failed barrier result stage is not retried).
    JavaRDD<ReplicaReport> reports = BarrierStage.mapPartitions(byReplica, (Iterator<ShardRow> it) -> new Replica(cfg).run(it),
        ReplicaReport.class).repartition(1);
    List<ReplicaReport> got;
    try {
      got = new ArrayList<>(reports.collect());
    } catch (RuntimeException e) {
      throw explain(e);
    }
    return summarise(got);
  }

  /** Row numbers where each partition starts, and the row count last (one Spark job, like zipWithIndex's). */
  private static long[] partitionOffsets(JavaRDD<Example> rows) {
    List<Long> sizes = rows.mapPartitions(it -> {
      long n = 0;
      for (; it.hasNext(); it.next()) n++;
      return List.of(n).iterator();
    }).collect();
    long[] offsets = new long[sizes.size() + 1];
    for (int p = 0; p < sizes.size(); p++) offsets[p + 1] = offsets[p] + sizes.get(p);
    return offsets;
  }

  private TrainResult summarise(List<ReplicaReport> got) {
    got.sort(Comparator.comparingInt(ReplicaReport::rank));
    if (got.size() != replicas) throw new TorchException("SparkTrainer: " + got.size() + " of " + replicas + " replicas reported back");
    ReplicaReport first = got.get(0);
    for (ReplicaReport r : got)
      if (!r.parameterSha256().equals(first.parameterSha256()))
        throw new TorchException("SparkTrainer: replica " + r.rank() + " ended with different parameters than replica 0 ("
            + r.parameterSha256() + " vs " + first.parameterSha256() + "); the replicas diverged");
    return new TrainResult(TensorBlob.decode(first.finalState()), first.losses(), List.copyOf(got), first.stageAttempt() + 1,
        first.startStep(), first.loopNanos() / 1e9, globalBatch);
  }

  /** Fails fast in local mode, where Spark would otherwise keep rechecking a barrier stage that can never start. */
  private void checkSlots(JavaSparkContext sc) {
    Matcher m = LOCAL.matcher(sc.master());
    if (!m.matches()) return;
    int cores = m.group(1) == null ? 1 : m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    int cpusPerTask = sc.getConf().getInt("spark.task.cpus", 1);
    int slots = cores / cpusPerTask;
    if (replicas > slots)
      throw new TorchException("SparkTrainer: " + replicas + " replicas need " + replicas + " task slots at once (Spark barrier mode), but "
          + sc.master() + " has " + slots + "; use local[" + replicas * cpusPerTask + "] or at most " + slots + " replicas");
  }

  private RuntimeException explain(RuntimeException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String msg = String.valueOf(t.getMessage());
      if (msg.contains("SPARK-24819") || msg.contains("BARRIER_JOB_SLOTS") || msg.contains("requires more slots"))
        return new TorchException("SparkTrainer: " + replicas + " replicas need " + replicas + " task slots at once (Spark barrier"
            + " mode), more than the cluster offers now; add executors/cores or use fewer replicas. Spark said: " + msg);
    }
    return e;
  }
}
