package dev.tcompile.data;

import dev.tcompile.Torch;
import dev.tcompile.TorchException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code torch.utils.data.DataLoader}: batches of a {@link Dataset}, collated by {@link Collate}.
 *
 * <p>Each {@link #iterator()} is one epoch. Shuffling draws a fresh permutation per epoch: from
 * {@code seed} and the epoch number when a seed is given (reproducible across runs), otherwise from a seed
 * drawn from the default generator, as PyTorch draws one per epoch ({@code Torch.manualSeed} makes that
 * reproducible too). With {@code numWorkers > 0} batches are built ahead on daemon threads; they come out in
 * the same order and with the same contents as without workers.
 */
public final class DataLoader implements Iterable<Batch> {
  private final Dataset<?> dataset;
  private final int batchSize;
  private final boolean shuffle;
  private final int numWorkers;
  private final boolean dropLast;
  private final Long seed;
  private int epoch;

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
    this.seed = seed;
  }

  /** The number of batches per epoch: PyTorch's {@code len(loader)}. */
  public int size() { return EpochPlan.batchCount(dataset.size(), batchSize, dropLast); }

  public Dataset<?> dataset() { return dataset; }
  public int batchSize() { return batchSize; }
  public int numWorkers() { return numWorkers; }

  /** Starts an epoch (and its workers, if any). Close it, or let it run out, to end them early. */
  @Override public synchronized BatchIterator iterator() {
    long epochSeed = seed != null ? LoaderRandom.mix(seed, epoch) : drawSeed();
    epoch++;
    EpochPlan plan = new EpochPlan(dataset.size(), batchSize, shuffle, dropLast, LoaderRandom.mix(epochSeed, -1));
    return new BatchIterator(plan.batches(), numWorkers,
        k -> LoaderRandom.with(LoaderRandom.mix(epochSeed, k), () -> fetch(plan.indicesOf(k))));
  }

  private Batch fetch(int[] indices) {
    List<Object> items = new ArrayList<>(indices.length);
    for (int i : indices) items.add(dataset.get(i));
    return Collate.batch(items);
  }

  /** One draw from the default generator, as PyTorch's sampler and workers take their base seed. */
  private static long drawSeed() {
    return Torch.randint(0, Long.MAX_VALUE).toLongArray()[0];
  }
}
