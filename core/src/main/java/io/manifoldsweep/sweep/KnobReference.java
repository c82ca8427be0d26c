package io.manifoldsweep.sweep;

import io.manifoldsweep.knob.Knob;
import io.manifoldsweep.knob.KnobSection;
import io.manifoldsweep.train.CellConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference of every knob a sweep file may set, generated from their declarations: what {@code
 * docs/knobs.md} holds and {@code submit/knobs} prints. A test fails when the committed page
 * differs from what this writes.
 */
public final class KnobReference {
  /** Every section of a sweep file, cell sections first. */
  public static final List<KnobSection> SECTIONS = sections();

  private KnobReference() {}

  private static List<KnobSection> sections() {
    List<KnobSection> out = new ArrayList<>(CellConfig.SECTIONS);
    out.add(SaeSettings.KNOBS);
    out.add(GrokkingSettings.KNOBS);
    return List.copyOf(out);
  }

  public static void main(String[] args) {
    System.out.print(markdown());
  }

  /** The reference as Markdown, one table per section. */
  public static String markdown() {
    StringBuilder md = new StringBuilder();
    md.append(
        "<!-- Generated from the knob declarations by submit/knobs; do not edit: run submit/knobs > docs/knobs.md -->\n");
    md.append("# Knobs\n\n");
    md.append(
        "Every setting a sweep file may hold, by section. Any knob of a cell section given as a list is a grid\n");
    md.append(
        "axis (except those whose value is itself a list). The same names work on the command line:\n");
    md.append(
        "`--set SECTION.KEY=VALUE` on `train`, `bench train`, `bench sae` and `analyze`. Every cell knob is also\n");
    md.append("a column of the `runs` table, named in the last column.\n\n");
    md.append(
        "*In the cell id*: **yes**, the knob defines what a cell trains, so changing it makes a new cell;\n");
    md.append(
        "**unless default**, a knob added after results existed, which joins the id only when set off its\n");
    md.append(
        "default (so older folders keep their ids); **no**, it changes nothing a cell trains.\n");
    for (KnobSection s : SECTIONS) {
      md.append("\n## `").append(s.name()).append(":`\n\n").append(s.doc()).append("\n\n");
      boolean cell = CellConfig.SECTIONS.contains(s);
      md.append("| key | type | default | in the cell id | what it does | runs column |\n");
      md.append("| --- | --- | --- | --- | --- | --- |\n");
      for (Knob<?> k : s.knobs()) {
        md.append("| `")
            .append(k.key())
            .append("` | ")
            .append(k.type().form())
            .append(" | `")
            .append(k.defaultDoc())
            .append("` | ")
            .append(cell ? identity(k) : "no (analysis setting)")
            .append(" | ")
            .append(k.doc());
        if (!k.appliesDoc().isEmpty()) {
          md.append(" Only where ").append(k.appliesDoc()).append('.');
        }
        md.append(" | ").append(cell ? "`" + k.column() + "`" : "").append(" |\n");
      }
    }
    return md.toString();
  }

  private static String identity(Knob<?> k) {
    return switch (k.identity()) {
      case ALWAYS -> "yes";
      case UNLESS_DEFAULT -> "unless default";
      case NEVER -> "no";
    };
  }
}
