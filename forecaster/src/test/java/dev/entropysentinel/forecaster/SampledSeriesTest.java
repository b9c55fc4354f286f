package dev.entropysentinel.forecaster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class SampledSeriesTest {
  private static final SampledSeries.Shape SHAPE = new SampledSeries.Shape(3, 5, 8);

  @Property(tries = 200)
  void keepsTheHeadAndTailExactlyAndTheMiddleAtOneStrideWithinItsCap(@ForAll @IntRange(min = 1, max = 3000) int n) {
    SampledSeries s = SampledSeries.empty(1);
    for (int i = 0; i < n; i++) {
      s = s.append(SHAPE, 10 * i, i);
    }
    assertThat(s.count()).isEqualTo(n);
    assertThat(s.size()).isLessThanOrEqualTo(SHAPE.maxPoints());
    List<Integer> ordinals = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      assertThat(s.step(i)).isEqualTo(10 * (int) s.value(0, i));
      ordinals.add((int) s.value(0, i));
    }
    for (int o = 0; o < Math.min(3, n); o++) {
      assertThat(ordinals).contains(o);
    }
    for (int o = Math.max(0, n - 5); o < n; o++) {
      assertThat(ordinals).contains(o);
    }
    int stride = s.stride();
    List<Integer> middle = ordinals.stream().filter(o -> o >= 3 && o < Math.max(3, n - 5)).toList();
    assertThat(middle).allMatch(o -> o % stride == 0);
    assertThat(middle).hasSize((int) java.util.stream.IntStream.range(3, Math.max(3, n - 5)).filter(o -> o % stride == 0)
        .count());
    s.requireShape(SHAPE);
  }
}
