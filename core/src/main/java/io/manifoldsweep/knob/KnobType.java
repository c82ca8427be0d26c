package io.manifoldsweep.knob;

import static io.manifoldsweep.ConfigException.describe;

import io.manifoldsweep.ConfigException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a knob's value is read from a config tree (YAML or JSON scalars, lists and maps), written
 * back to the canonical tree, stored as a column of {@code runs}, and named in the reference.
 *
 * @param <T> the Java type a program reads the knob as
 */
public interface KnobType<T> {
  /** The value of a present node; fails naming {@code key} and quoting the node. */
  T read(String key, Object node);

  /** The value as the canonical tree holds it, in the form a user writes in YAML. */
  Object write(T value);

  /** The runs column's type. */
  Column column();

  /** The value as its runs column holds it; null when the column has no value for it. */
  default Object columnValue(T value) {
    return write(value);
  }

  /** What a value looks like, for the reference and messages. */
  String form();

  /** Whether a value is itself a list, so that a list in the sweep file is no grid axis. */
  default boolean listValued() {
    return false;
  }

  /** The Parquet column types of runs: what each knob type stores. */
  enum Column {
    INT32,
    INT64,
    DOUBLE,
    BOOLEAN,
    STRING
  }

  KnobType<Integer> INTEGER =
      new KnobType<>() {
        @Override
        public Integer read(String key, Object v) {
          if (v instanceof Integer i) {
            return i;
          }
          if (v instanceof Long l && l == (int) (long) l) {
            return (int) (long) l;
          }
          if (v instanceof Long || v instanceof BigInteger) {
            throw new ConfigException(
                key, describe(v), "is out of range (at most " + Integer.MAX_VALUE + ")");
          }
          throw new ConfigException(key, describe(v), "must be an integer");
        }

        @Override
        public Object write(Integer value) {
          return value;
        }

        @Override
        public Column column() {
          return Column.INT32;
        }

        @Override
        public String form() {
          return "integer";
        }
      };

  KnobType<Long> LONG =
      new KnobType<>() {
        @Override
        public Long read(String key, Object v) {
          if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
          }
          if (v instanceof BigInteger) {
            throw new ConfigException(key, describe(v), "is out of the 64-bit integer range");
          }
          throw new ConfigException(key, describe(v), "must be an integer");
        }

        @Override
        public Object write(Long value) {
          return value;
        }

        @Override
        public Column column() {
          return Column.INT64;
        }

        @Override
        public String form() {
          return "integer (64-bit)";
        }
      };

  KnobType<Double> NUMBER =
      new KnobType<>() {
        @Override
        public Double read(String key, Object v) {
          if (v instanceof Number n && !(v instanceof BigInteger)) {
            if (!Double.isFinite(n.doubleValue())) {
              throw new ConfigException(key, describe(v), "must be a finite number");
            }
            return n.doubleValue();
          }
          throw new ConfigException(key, describe(v), "must be a number");
        }

        @Override
        public Object write(Double value) {
          return value;
        }

        @Override
        public Column column() {
          return Column.DOUBLE;
        }

        @Override
        public String form() {
          return "number";
        }
      };

  KnobType<Boolean> BOOLEAN =
      new KnobType<>() {
        @Override
        public Boolean read(String key, Object v) {
          if (v instanceof Boolean b) {
            return b;
          }
          throw new ConfigException(key, describe(v), "must be true or false");
        }

        @Override
        public Object write(Boolean value) {
          return value;
        }

        @Override
        public Column column() {
          return Column.BOOLEAN;
        }

        @Override
        public String form() {
          return "true or false";
        }
      };

  /** An enum written as its constant's name in lower case. */
  static <E extends Enum<E>> KnobType<E> choice(Class<E> type) {
    return new KnobType<>() {
      @Override
      public E read(String key, Object v) {
        for (E e : type.getEnumConstants()) {
          if (label(e).equals(v)) {
            return e;
          }
        }
        throw new ConfigException(key, describe(v), "must be one of " + form());
      }

      @Override
      public Object write(E value) {
        return label(value);
      }

      @Override
      public Column column() {
        return Column.STRING;
      }

      @Override
      public String form() {
        List<String> labels = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
          labels.add(label(e));
        }
        return String.join(", ", labels);
      }
    };
  }

  /**
   * An integer, or the word {@code word} standing for {@code wordValue} (a value no integer takes).
   */
  static KnobType<Integer> integerOr(String word, int wordValue) {
    return new KnobType<>() {
      @Override
      public Integer read(String key, Object v) {
        if (word.equals(v)) {
          return wordValue;
        }
        if (v instanceof String) {
          throw new ConfigException(key, describe(v), "must be an integer or '" + word + "'");
        }
        return INTEGER.read(key, v);
      }

      @Override
      public Object write(Integer value) {
        return value == wordValue ? word : value;
      }

      @Override
      public Column column() {
        return Column.INT32;
      }

      @Override
      public Object columnValue(Integer value) {
        return value == wordValue ? null : value;
      }

      @Override
      public String form() {
        return "integer or " + word + " (" + word + ": null in runs)";
      }
    };
  }

  /** A list of integers; a single integer is a list of one. */
  KnobType<List<Integer>> INTEGERS =
      new KnobType<>() {
        @Override
        public List<Integer> read(String key, Object v) {
          List<?> items = v instanceof List<?> l ? l : List.of(v);
          List<Integer> out = new ArrayList<>();
          for (Object o : items) {
            if (!(o instanceof Integer i)) {
              throw new ConfigException(
                  key, describe(v), "must be an integer or a list of integers");
            }
            out.add(i);
          }
          return List.copyOf(out);
        }

        @Override
        public Object write(List<Integer> value) {
          return value;
        }

        @Override
        public Column column() {
          return Column.STRING;
        }

        @Override
        public Object columnValue(List<Integer> value) {
          return String.valueOf(value);
        }

        @Override
        public String form() {
          return "integer or list of integers";
        }

        @Override
        public boolean listValued() {
          return true;
        }
      };

  /** A list of integers or the word {@code all}, which reads as the empty list. */
  KnobType<List<Integer>> INTEGERS_OR_ALL =
      new KnobType<>() {
        @Override
        public List<Integer> read(String key, Object v) {
          return "all".equals(v) ? List.of() : INTEGERS.read(key, v);
        }

        @Override
        public Object write(List<Integer> value) {
          return value.isEmpty() ? "all" : value;
        }

        @Override
        public Column column() {
          return Column.STRING;
        }

        @Override
        public Object columnValue(List<Integer> value) {
          return String.valueOf(write(value));
        }

        @Override
        public String form() {
          return "list of integers or all";
        }

        @Override
        public boolean listValued() {
          return true;
        }
      };

  /** The label a user writes for an enum constant. */
  static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
