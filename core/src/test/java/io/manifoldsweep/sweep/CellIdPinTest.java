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
    // the grokking sweeps, pinned when they were added (cells of the modular task have no older
    // ids)
    PINS.put(
        "conf/grokking-quick.yaml",
        List.of(
            "f1dfa307e425fbd4",
            "ef5ac1915ebed2a9",
            "e3d74df467b143e3",
            "82c8f18b07036b84",
            "83d1dd676d08e443",
            "48509b9cb120e4f9",
            "fb287634bad089ad",
            "6b83c8de3c8677d3"));
    PINS.put(
        "conf/grokking.yaml",
        List.of(
            "c5eeb3cda68965e4",
            "4a70faca5aa2bd86",
            "7efab28146132ea2",
            "a52df50010248f42",
            "1d750d7ade68330f",
            "89151f02c8831284",
            "8cb338063311d68a",
            "a018ef69f5d15769",
            "38d287eb877014a2",
            "23c05f32c92abb27",
            "7db8dc856a23e619",
            "3a3aa85ebadc7616",
            "17cab4d94886c30f",
            "1ea9afbf8bc458b4",
            "a88bedba47df2682",
            "d82d86ec3d73f5f8",
            "7f8ab946ca992005",
            "7b6b65f9ed4c1094",
            "4a71e4f9109e8a81",
            "0ab75241b1750022",
            "a735bea665fd2243",
            "3ff789328a4cbbba",
            "cd3c717fe2db3a2f",
            "bae4c9d32ed14f8b",
            "8af8e5d0c8e35998",
            "4e2aab473d7ec059",
            "446f374f9f26a75c",
            "71ecb7a0c8e7face",
            "630f1390ef188a58",
            "bbcff70092b7e773",
            "c8271995beb6939a",
            "47ccb48f74973381",
            "f0f74f5be860b66a",
            "b2bb7e31bcb25d19",
            "e75af275f83c459f",
            "ebe8eecbd8d40842"));
    PINS.put(
        "conf/grokking-lr.yaml",
        List.of(
            "4c926fd25ea0b55d",
            "190d1bc73d73d3f4",
            "6e7efe88b1530314",
            "f21d5b286438434b",
            "4dabd81b6d6ab9fa",
            "9ae79e8a56d81d8e",
            "fa04a958036c5b70",
            "b12b8fd4cfe0a637",
            "d9d6d91755ebfb59"));
    PINS.put(
        "conf/grokking-interventions.yaml",
        List.of(
            "74d85ab264ab9756",
            "cda7e016521cc824",
            "b8e1ce0d6493e604",
            "0445f217ace9018c",
            "5ad99532b1d2126b",
            "e8cf64947dd99eec",
            "d161f5eedf1fdb0f",
            "cc956267a7b1c77c",
            "2043dd800419b4a1",
            "39818bb4a4822a02",
            "ba6fed865d0a11d2",
            "eef92feacdb327e7",
            "6ed6041649aa866c",
            "f5f49fb72eb7e576",
            "f81438fe848c0530",
            "4be2aeeaf39040d4",
            "572fbd74fe68aedc",
            "d1eed654bdd470c6",
            "2a4039eb052555a8",
            "70c3071c72f63c8d",
            "69358b434cd5f69f",
            "93053e36374dadc7",
            "e0c68adb083bd876",
            "fd07fef4fae01530",
            "f157cd3b132e1b16",
            "04bb68ee5a72f173",
            "f309e82195ee46ae",
            "aaab672026bec403",
            "0e1a6b83bb48966e",
            "44d5d8a1d7e8b3d4",
            "2ecf6e9dabe43471",
            "81a4121ac0bb1acd",
            "d2e85808a7c98379",
            "5e912721f10395aa",
            "1b13abb6ef35ebdd",
            "281bb037536b2da0",
            "33bd091d4a6f557f",
            "7a5ea094dff14ce5",
            "09b93fe3680cf6e0",
            "131dc76a04ffb71e",
            "fec5252402dad3a2",
            "3ebf2d627f603315",
            "f6ce7461ad8deceb",
            "70397d356dbcdf13",
            "787eca383e3e7a45",
            "4188ea6baddb850e",
            "ecac5f853823c0e9",
            "181318bc50e5addf",
            "94a398cc379e4506",
            "fe97fdd2ba8142c1",
            "3882e61ade3a0206",
            "f2fd02919ec8dac4",
            "d1865a275e99fc75",
            "334cafa5b8284edd",
            "11fecae6341eadd8",
            "b502374bfbba9779",
            "d011d4047d6fe95a",
            "ddd090792568b496",
            "9ea2412932cd426d",
            "eaf74c5611361216",
            "2843bd58a1798fe8",
            "bfe968781e48bc01",
            "ba57125d27c7965a",
            "bc2608ce85e937cd",
            "6ab35af75887f12f",
            "ec6e854944c583c4",
            "c6053a2371c722c9",
            "e5b7e8f36fce03c9",
            "602f3c5ae6d32a0e",
            "4eeaea60f45d5ea1",
            "0712c95f6524389f",
            "53eb721922f5da9a",
            "5caabcd561d3b33c",
            "75e11b04d70c81e3",
            "bb72a4d61ecb7fa3",
            "8f585ff3311a7759",
            "675ae43fc4d67d8c",
            "3ff826ebe67aac69",
            "3f8bdcdb95237d50",
            "cbd1f17b090bbad2",
            "70cfad3ce060994a",
            "fe72184326e95ad8",
            "0effbd2e6b0fcaf1",
            "72e51e24f3bbef3f",
            "c6fb00b4d79d20e6",
            "7ea433c31270bc7c",
            "ac6a805081efcc34",
            "755653853856764c",
            "75383824967d8924",
            "54dbd73205cec5ca",
            "61d640d9df8e5164",
            "4af654b3540dd9bf",
            "89a181228cf7ee96",
            "57c97bd4f5ddd6f2",
            "20e0e46523dc4182",
            "689649fec0c147d9",
            "52cfe992a46a8545",
            "faed441a580cdeb2",
            "434722ac9dcc7475",
            "97452f9064a79d0d",
            "8f39704a8fbd9bcf",
            "1b0986dd07476e6e",
            "e263403b776068b3",
            "7f121edecd85996f",
            "7f26749a18de3933"));
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
