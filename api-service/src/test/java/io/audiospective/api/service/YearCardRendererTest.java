package io.audiospective.api.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.LocalDate;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import io.audiospective.api.Views.Artist;
import io.audiospective.api.Views.MonthTotal;
import io.audiospective.api.Views.Streak;
import io.audiospective.api.Views.Summary;
import io.audiospective.api.Views.TopItem;
import io.audiospective.api.Views.Window;
import io.audiospective.api.Views.YearInReview;

class YearCardRendererTest {

    private final YearCardRenderer renderer = new YearCardRenderer();

    @Test
    void theCardCarriesTheYearsFiguresAsItsDescription() throws IOException {
        YearInReview year = year(12_345, 61_234.4);

        byte[] png = renderer.render(year);

        PngText read = PngText.read(png, YearCardRenderer.DESCRIPTION_KEYWORD);
        assertThat(read.width()).isEqualTo(YearCardRenderer.WIDTH);
        assertThat(read.height()).isEqualTo(YearCardRenderer.HEIGHT);
        assertThat(read.text())
                .isEqualTo(renderer.description(year))
                .startsWith("2025 in music on Audiospective: 61,234 minutes listened over 12,345 plays of 812 tracks"
                        + " by 190 artists.")
                .contains("Top artists: Björk, Sigur Rós, Artist 3, Artist 4, Artist 5.")
                .contains("Top tracks: Jóga by Björk, Hoppípolla by Sigur Rós, Track 3 by Artist 3")
                .contains("Busiest month: March (1,402 plays).")
                .contains("Longest streak: 12 days.")
                .contains("Peak hour: 21:00.")
                .doesNotContain("Track 6");
        // something is drawn: the text's colours, not only the background's gradient
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(distinctColours(image)).isGreaterThan(100);
    }

    @Test
    void anEmptyYearSaysSo() {
        YearInReview empty = new YearInReview(
                2019,
                new Summary(window(2019), 0, 0, 0, 0, 0, 0, 0, List.of()),
                List.of(),
                List.of(),
                List.of(),
                null,
                null,
                null,
                null,
                null);

        PngText read = PngText.read(renderer.render(empty), YearCardRenderer.DESCRIPTION_KEYWORD);

        assertThat(read.text()).isEqualTo("2019 in music on Audiospective: no plays archived.");
    }

    @Test
    void aNameTooLongForItsColumnIsCutWithAnEllipsis() {
        FontMetrics metrics = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB)
                .createGraphics()
                .getFontMetrics(new Font(Font.SANS_SERIF, Font.BOLD, 34));
        String name = "Symphony No. 9 in D minor, Op. 125: IV. Presto – Allegro assai";

        String fitted = YearCardRenderer.fitted(name, metrics, 400);

        assertThat(fitted).endsWith("…");
        assertThat(name).startsWith(fitted.substring(0, fitted.length() - 1));
        assertThat(metrics.stringWidth(fitted)).isLessThanOrEqualTo(400);
        assertThat(YearCardRenderer.fitted("Jóga", metrics, 400)).isEqualTo("Jóga");
    }

    private static YearInReview year(long plays, double minutes) {
        List<TopItem> artists = List.of(
                item(1, "Björk", null),
                item(2, "Sigur Rós", null),
                item(3, "Artist 3", null),
                item(4, "Artist 4", null),
                item(5, "Artist 5", null),
                item(6, "Artist 6", null));
        List<TopItem> tracks = List.of(
                item(1, "Jóga", "Björk"),
                item(2, "Hoppípolla", "Sigur Rós"),
                item(3, "Track 3", "Artist 3"),
                item(4, "Track 4", "Artist 4"),
                item(5, "Track 5", "Artist 5"),
                item(6, "Track 6", "Artist 6"));
        return new YearInReview(
                2025,
                new Summary(window(2025), plays, (long) (minutes * 60_000), minutes, 812, 190, 140, 33, List.of()),
                tracks,
                artists,
                List.of(),
                new MonthTotal("2025-03", 1_402, 0),
                null,
                21,
                new Streak(12, LocalDate.of(2025, 3, 1), LocalDate.of(2025, 3, 12)),
                null);
    }

    private static TopItem item(int rank, String name, String artist) {
        return new TopItem(
                rank,
                "id-" + rank,
                name,
                artist == null ? null : List.of(new Artist("ar-" + rank, artist)),
                null,
                null,
                100 - rank,
                0,
                0,
                null);
    }

    private static Window window(int year) {
        return new Window("year", LocalDate.of(year, 1, 1), LocalDate.of(year, 12, 31), "Europe/Berlin");
    }

    private static long distinctColours(BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int x = 0; x < image.getWidth(); x += 3) {
            for (int y = 0; y < image.getHeight(); y += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
