package dev.entropysentinel.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReportPageTest {
  @Test
  void theReportInlinesEverythingAndFetchesNothing() {
    String html = ReportPage.standalone(ReportModel.of(ReportModelTest.recorded("r", 30), "report", 0,
        ReportModel.Options.ofDefaults()));
    assertThat(html).contains("uPlot").contains("\"mode\":\"report\"").contains("\"runId\":\"r\"");
    assertThat(Pattern.compile("(src|href)\\s*=\\s*\"(?!#)").matcher(html).find()).as("no external src/href").isFalse();
    assertThat(html).doesNotContain("<!--HEAD-->").doesNotContain("<!--APP-->").doesNotContain("<!--CONFIG-->");
  }

  @Test
  void theDashboardLinksTheSameCodeFromTheJar() {
    String html = ReportPage.live("report.json", 3000);
    for (String asset : ReportPage.ASSETS.keySet()) {
      assertThat(html).contains("assets/" + asset);
      assertThat(ReportPage.asset(asset)).isNotEmpty();
    }
  }

  @Test
  void dataCannotCloseTheScriptElement() {
    assertThat(ReportPage.json("</script><script>alert(1)</script>")).doesNotContain("</");
  }
}
