package io.manifoldsweep.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The cell ids of every shipped sweep and test fixture, as main computed them at 9d59262 (6
 * December 2026). A results folder is resumed and analysed by these ids, so no change to how knobs
 * are read, defaulted or written may move one: a moved id retrains every cell of every existing
 * folder.
 */
class CellIdPinTest {
  private static final Map<String, List<String>> PINS = new LinkedHashMap<>();

  static {
    PINS.put(
        "conf/difficulty.yaml",
        List.of(
            "620ece412b2cc5bb",
            "a43203aa3f2652c3",
            "54bb18089a2a53af",
            "d8f989b1dc15f176",
            "7598dc6a9730189c",
            "efe888442612856d",
            "df19923acdde9d36",
            "652e488969e5d2c5",
            "d2786e6040c3ac2a",
            "7b1167a301213eab",
            "10ebdcceb30885a9",
            "43fb578ab1258961",
            "6bdc79b641dad9cb",
            "40e54b2af3d17e44",
            "ee5fa1f3a4991076",
            "826ce9052c8f3b41",
            "ed213caf734f1e91",
            "4d15654ff0178fa5",
            "efc22655687fa755",
            "08fcbacb31a450b1",
            "07f853ab47cddfce",
            "914fa4fd7a332b89",
            "7135ec84c7ddfc0d",
            "f75fa462f62ed21e",
            "45028ed5be1b810a",
            "f77022efdd777127",
            "806267363b61d2b8",
            "7fde67c441424820",
            "d89d0fefdbcc47ec",
            "51c715e50be53dd1",
            "d6b8b5b337a5358b",
            "4485cad28845c382",
            "d087426313258d01",
            "37f9045a000bb321",
            "60cd010d5fa22f6e",
            "e18294eb6b48d875",
            "84b4d1ff54bb99ac",
            "6635670ea37930a9",
            "73a3d3b3f5606443",
            "ee1b6e1aacbf85cd",
            "c476bdc5b077a6b4",
            "5dcbb901ea9a8d74",
            "f1149518e8bdb1c1",
            "0ddfa8659cafbc16",
            "07f2522d97648818",
            "c03521f7a7163495",
            "0a4640c2368fdf79",
            "e3289025a2291464"));
    PINS.put(
        "conf/paper-5k.yaml", List.of("fe8c0e37a96df8ec", "baafd4c071b11cd7", "cdae382a3bc9a001"));
    PINS.put(
        "conf/paper-sgd.yaml",
        List.of(
            "a6e6e48b013b32c8",
            "23066aa11c527627",
            "2f9821416e7bb652",
            "d5ca7966c190b64b",
            "3583d0cda747dc6c",
            "4087ed813668036e",
            "ee0098880add7d36",
            "eb9595e62b49ea77",
            "757911f9584c1767",
            "ac53d37f92f4b330",
            "5be30abcd7d14c0e",
            "63d630eaccda4ac0",
            "55c4054b964c70a9",
            "3bad4f58745e14c8",
            "6a34cd1af147e54a",
            "9a470ec94e6f421e",
            "3960b5daef195601",
            "9f867e27e12844d4",
            "878e13b0178f01d4",
            "af7d84f17a7f8d7e"));
    PINS.put(
        "conf/paper.yaml",
        List.of(
            "e692ed2daf6e4c6e",
            "0f203f52791310c6",
            "51acd11a8ebfa6f2",
            "55d180acaf39e4de",
            "48eb0f0601046188",
            "358c0dcf317640ed",
            "10eaed4312896660",
            "dca50947464ec793",
            "1777d417f8fb4605",
            "8a764c4003a8ff03",
            "e1f9144865abfd88",
            "841298f2b18a5856",
            "2d9a476c2c392d59",
            "a1ff36b58515a4c4",
            "b465f41f571000dd",
            "27d99ba5c13b678e",
            "c4eb1dff0625ed1b",
            "81c8cc3a3842ce54",
            "110f9bd9e3f55bc1",
            "2653f95be267bd1d"));
    PINS.put(
        "conf/quick.yaml",
        List.of(
            "34393eeb519866fd",
            "f0e8474396fb091b",
            "619c4d08f535d5f2",
            "f83cca05ab15152a",
            "47f7b518197ede81",
            "0d446d3f418d1aa8",
            "050a42540c9bf6bc",
            "f1de900f6f115334"));
    PINS.put(
        "jobs/src/test/resources/tiny.yaml",
        List.of("fa30251cf690ab27", "a1747cf510914d90", "976f979a76ea9e8a", "0e2442180ba7b3e3"));
    PINS.put(
        "jobs/src/test/resources/results-9d59262.yaml",
        List.of("9892c2b57c06fef0", "4d23a9ac72356a20"));
  }

  /** Every knob of the marker task off its default, each enum through its other labels. */
  private static final String EVERY_KNOB =
      """
      name: every
      task: {vocab: 64, modulus: 7, seq_len: 12, markers: {min: 2, max: 3}, schedule: curriculum, operation: mul, marker_base: 40,
             distractor_values: true, sampling: per_batch}
      model: {layers: 3, d_model: 48, heads: 3, mlp: true, d_mlp: 96}
      train: {steps: 3000, batch_size: 48, optimizer: [sgd, adamw], lr: 2.0e-3, weight_decay: 0.05, momentum: 0.9, beta1: 0.8, beta2: 0.95,
              eps: 1.0e-6, reset_optimizer_per_stage: true, init_seed: 11, data_seed: 12, eval_seed: 13, precision: float64}
      record: {snapshot_every: 50, eval_every: 150, eval_examples: 100, probe_examples: 20, commutator_every: 300, commutator_pairs: 4,
               commutator_eta: 2.0e-3, commutator_vectors: [full, none], full_params: true, checkpoints: [0, 0.5], resume_every: 700}
      """;

  private static List<String> ids(String yaml, String source) {
    return SweepSpec.parse(yaml, source, 100_000).cells().stream().map(CellSpec::cellId).toList();
  }

  @Test
  void everyShippedAndFixtureSweepKeepsItsCellIds() throws IOException {
    for (Map.Entry<String, List<String>> pin : PINS.entrySet()) {
      Path file = Path.of("..").resolve(pin.getKey());
      assertThat(ids(Files.readString(file), file.toString()))
          .as(pin.getKey())
          .containsExactlyElementsOf(pin.getValue());
    }
  }

  @Test
  void everyPinnedConfigIsCovered() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("../conf"))) {
      List<String> shipped =
          files
              .filter(p -> p.toString().endsWith(".yaml"))
              .map(p -> "conf/" + p.getFileName())
              .toList();
      assertThat(PINS.keySet())
          .as("a new conf/*.yaml gets its ids pinned here")
          .containsAll(shipped);
    }
  }

  @Test
  void everyKnobOffItsDefaultAndTheDefaultCellKeepTheirIds() {
    assertThat(ids(EVERY_KNOB, "every.yaml"))
        .containsExactly(
            "76d45ad6212697e3", "f784b56dddc4c66f", "de74e8f4c519503d", "344b6d64fd874a07");
    assertThat(ids("name: defaults\n", "defaults.yaml")).containsExactly("cd11dd694e5f05e1");
  }
}
