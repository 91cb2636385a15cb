package io.podgate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.podgate.measure.ChurnOptions;
import io.podgate.measure.ChurnResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChurnJsonTest {
  @Test
  void jsonCarriesTheSeries() {
    ChurnResult r = new ChurnResult(ChurnOptions.Mode.SHARED_POD, 2, "img", 3, 0, List.of(), Duration.ofSeconds(2),
        Map.of(), List.of(1L, 2L), null);
    assertThat(ChurnJson.toJson(r)).contains("\"completedPerSecond\" : [ 1, 2 ]").contains("\"cyclesPerSecond\" : 1.5");
  }
}
