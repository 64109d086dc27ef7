package dev.tcompile.data;

import dev.tcompile.TorchException;
import dev.tcompile.runtime.random.Distributions;
import dev.tcompile.runtime.random.Generator;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.utils.data.DataLoader}: batches of a {@link Dataset}, collated by {@link Collate}.
 *
 * <p>Each {@link #iterator()} is one epoch, and draws its random numbers as PyTorch 1.13's loader does, so
 * the order of items is PyTorch's bit for bit: a base seed ({@code torch.empty((), dtype=torch.int64).random_()}),
 * then, when shuffling, {@code torch.randperm(n)} from a generator seeded with a second draw. Without a
 * {@code seed} the draws come from the default generator ({@code Torch.manualSeed}); with one, from the
 * loader's own generator, as {@code DataLoader(..., generator=torch.Generator().manual_seed(seed))}: every
 * epoch gets a fresh permutation and runs repeat (the sampler's end-of-epoch draw is taken up front, so an
 * epoch abandoned early leaves a seeded loader where PyTorch's would be after a full one).
 * With {@code numWorkers > 0} batches are built ahead on daemon threads; they come out in the same order and
 * with the same contents as without workers.
 */
public final class DataLoader implements Iterable<Batch> {
  private final Dataset<?> dataset;
  private final int batchSize;
  private final boolean shuffle;
  private final int numWorkers;
  private final boolean dropLast;
  /** The loader's own generator when seeded, else null (the default generator is used). */
  private final Generator generator;

  public DataLoader(Dataset<?> dataset, int batchSize) { this(dataset, batchSize, false); }

  public DataLoader(Dataset<?> dataset, int batchSize, boolean shuffle) { this(dataset, batchSize, shuffle, 0); }

  public DataLoader(Dataset<?> dataset, int batchSize, boolean shuffle, int numWorkers) {
    this(dataset, batchSize, shuffle, numWorkers, false);
  }

  public DataLoader(Dataset<?> dataset, int batchSize, boolean shuffle, int numWorkers, boolean dropLast) {
    this(dataset, batchSize, shuffle, numWorkers, dropLast, null);
  }

  public DataLoader(Dataset<?> dataset, int batchSize, boolean shuffle, int numWorkers, boolean dropLast, long seed) {
    this(dataset, batchSize, shuffle, numWorkers, dropLast, Long.valueOf(seed));
  }

  private DataLoader(Dataset<?> dataset, int batchSize, boolean shuffle, int numWorkers, boolean dropLast, Long seed) {
    if (dataset == null) throw new TorchException("DataLoader: dataset must not be null");
    if (batchSize <= 0)
      throw new TorchException("batch_size should be a positive integer value, but got batch_size=" + batchSize);
    if (numWorkers < 0)
      throw new TorchException("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.");
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.numWorkers = numWorkers;
    this.dropLast = dropLast;
    this.generator = seed == null ? null : new Generator().manualSeed(seed);
  }

  /** The number of batches per epoch: PyTorch's {@code len(loader)}. */
  public int size() { return EpochPlan.batchCount(dataset.size(), batchSize, dropLast); }

  public Dataset<?> dataset() { return dataset; }
  public int batchSize() { return batchSize; }
  public int numWorkers() { return numWorkers; }

  /** Starts an epoch (and its workers, if any). Close it, or let it run out, to end them early. */
  @Override public synchronized BatchIterator iterator() {
    Generator g = generator != null ? generator : Generator.defaultGenerator();
    long baseSeed = int64Draw(g);
    int n = dataset.size();
    int[] order = null;
    if (shuffle) {
      Generator sampler = generator != null ? generator : new Generator().manualSeed(int64Draw(g));
      long[] perm = Distributions.randperm(n, sampler).longs();
      order = new int[n];
      for (int i = 0; i < n; i++) order[i] = (int) perm[i];
      // RandomSampler ends each epoch with randperm(n)[:num_samples % n], an empty slice whose draws still
      // advance the generator (visible with a seeded loader). PyTorch draws it once the epoch has run out.
      Distributions.randperm(n, sampler);
    }
    EpochPlan plan = new EpochPlan(n, order, batchSize, dropLast);
    return new BatchIterator(plan.batches(), numWorkers,
        k -> LoaderRandom.with(LoaderRandom.mix(baseSeed, k), () -> fetch(plan.indicesOf(k))));
  }

  private Batch fetch(int[] indices) {
    List<Object> items = new ArrayList<>(indices.length);
    for (int i : indices) items.add(dataset.get(i));
    return Collate.batch(items);
  }

  /** {@code torch.empty((), dtype=torch.int64).random_(generator=g)}: 64 random bits modulo 2^63. */
  private static long int64Draw(Generator g) { return g.random64() & Long.MAX_VALUE; }
}
