package io.manifoldsweep.task;

/**
 * The independent random streams of a run. Each purpose has its own key so that, for example,
 * turning the commutator probe on never changes the training batches.
 */
public enum RngStream {
  TRAIN(1),
  EVAL(2),
  PROBE(3),
  COMMUTATOR(4),
  INIT(5),
  /** The sparse-autoencoder analysis's activation set, from the eval seed. */
  SAE_ACTIVATIONS(6),
  /**
   * The sparse-autoencoders' initialisations, batch order and random latent and direction draws.
   */
  SAE_TRAINING(7),
  /** The modular task's split of its pairs into train and test, from the data seed. */
  SPLIT(8),
  /** The batch pairs behind an intervention's commutator kicks, from the data seed. */
  KICK(9),
  /** An intervention's random basis, and its random kicks, from the init seed. */
  INTERVENTION(10);

  private final long key;

  RngStream(long key) {
    this.key = key;
  }

  public SplitMix64 generator(long seed, long... subKeys) {
    long[] keys = new long[subKeys.length + 2];
    keys[0] = key;
    keys[1] = seed;
    System.arraycopy(subKeys, 0, keys, 2, subKeys.length);
    return SplitMix64.forKeys(keys);
  }
}
