package io.audiospective.api.service;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.NumberFormat;
import java.time.YearMonth;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

import jakarta.enterprise.context.ApplicationScoped;

import io.audiospective.api.Views.Artist;
import io.audiospective.api.Views.TopItem;
import io.audiospective.api.Views.YearInReview;

/**
 * The shareable year-in-review card: a 1080×1350 PNG (the portrait size social networks show whole) drawn from the
 * same {@link YearInReview} the JSON endpoint answers. The figures it draws are also written into the PNG as its
 * {@code Description} (an iTXt chunk, UTF-8), which serves as the image's alt text where it is shared and lets a
 * test compare the card with the API.
 */
@ApplicationScoped
public class YearCardRenderer {

    public static final int WIDTH = 1080;
    public static final int HEIGHT = 1350;
    public static final String DESCRIPTION_KEYWORD = "Description";

    private static final int MARGIN = 80;
    private static final int TOP_ENTRIES = 5;
    private static final Color BACKGROUND_TOP = new Color(0x12, 0x12, 0x12);
    private static final Color BACKGROUND_BOTTOM = new Color(0x0f, 0x3d, 0x2a);
    private static final Color ACCENT = new Color(0x1e, 0xd7, 0x60);
    private static final Color TEXT = new Color(0xf5, 0xf5, 0xf5);
    private static final Color MUTED = new Color(0xb3, 0xb3, 0xb3);

    /** The card as PNG bytes. */
    public byte[] render(YearInReview year) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            draw(g, year);
        } finally {
            g.dispose();
        }
        return png(image, description(year));
    }

    /** The card's text in reading order: what it shows, for the image's alt text. */
    public String description(YearInReview year) {
        long plays = year.summary().plays();
        if (plays == 0) {
            return year.year() + " in music on Audiospective: no plays archived.";
        }
        List<String> parts = new ArrayList<>();
        parts.add(year.year() + " in music on Audiospective: "
                + number(Math.round(year.summary().minutes()))
                + " minutes listened over " + number(plays) + " plays of "
                + number(year.summary().distinctTracks())
                + " tracks by " + number(year.summary().distinctArtists()) + " artists.");
        parts.add("Top artists: "
                + top(year.topArtists()).stream().map(TopItem::name).collect(Collectors.joining(", ")) + ".");
        parts.add("Top tracks: "
                + top(year.topTracks()).stream()
                        .map(track -> track.name() + " by " + artistNames(track))
                        .collect(Collectors.joining(", "))
                + ".");
        if (year.topMonth() != null) {
            parts.add("Busiest month: " + monthName(year.topMonth().month()) + " ("
                    + number(year.topMonth().plays()) + " plays).");
        }
        if (year.longestStreak() != null && year.longestStreak().days() > 0) {
            parts.add("Longest streak: " + days(year.longestStreak().days()) + ".");
        }
        if (year.peakHour() != null) {
            parts.add("Peak hour: " + hour(year.peakHour()) + ".");
        }
        return String.join(" ", parts);
    }

    private void draw(Graphics2D g, YearInReview year) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setPaint(new GradientPaint(0, 0, BACKGROUND_TOP, 0, HEIGHT, BACKGROUND_BOTTOM));
        g.fillRect(0, 0, WIDTH, HEIGHT);

        int y = MARGIN + 40;
        y = line(g, "AUDIOSPECTIVE", font(Font.BOLD, 30), ACCENT, MARGIN, y, WIDTH - 2 * MARGIN);
        y = line(g, year.year() + " in music", font(Font.BOLD, 84), TEXT, MARGIN, y + 90, WIDTH - 2 * MARGIN);
        if (year.summary().plays() == 0) {
            line(g, "No plays archived this year.", font(Font.PLAIN, 44), MUTED, MARGIN, y + 120, WIDTH - 2 * MARGIN);
            return;
        }
        y = line(
                g,
                number(Math.round(year.summary().minutes())) + " minutes",
                font(Font.BOLD, 96),
                ACCENT,
                MARGIN,
                y + 150,
                WIDTH - 2 * MARGIN);
        y = line(
                g,
                number(year.summary().plays()) + " plays · "
                        + number(year.summary().distinctTracks()) + " tracks · "
                        + number(year.summary().distinctArtists()) + " artists",
                font(Font.PLAIN, 38),
                MUTED,
                MARGIN,
                y + 70,
                WIDTH - 2 * MARGIN);

        int columnWidth = (WIDTH - 2 * MARGIN - 60) / 2;
        int columnsTop = y + 130;
        column(g, "Top artists", top(year.topArtists()), false, MARGIN, columnsTop, columnWidth);
        column(g, "Top tracks", top(year.topTracks()), true, MARGIN + columnWidth + 60, columnsTop, columnWidth);

        List<String[]> facts = new ArrayList<>();
        if (year.topMonth() != null) {
            facts.add(new String[] {"Busiest month", monthName(year.topMonth().month())});
        }
        if (year.longestStreak() != null && year.longestStreak().days() > 0) {
            facts.add(new String[] {"Longest streak", days(year.longestStreak().days())});
        }
        if (year.peakHour() != null) {
            facts.add(new String[] {"Peak hour", hour(year.peakHour())});
        }
        int factWidth = (WIDTH - 2 * MARGIN) / 3;
        for (int i = 0; i < facts.size(); i++) {
            int x = MARGIN + i * factWidth;
            line(g, facts.get(i)[0], font(Font.PLAIN, 30), MUTED, x, HEIGHT - MARGIN - 60, factWidth - 20);
            line(g, facts.get(i)[1], font(Font.BOLD, 44), TEXT, x, HEIGHT - MARGIN, factWidth - 20);
        }
    }

    private void column(Graphics2D g, String title, List<TopItem> items, boolean withArtists, int x, int y, int width) {
        int baseline = line(g, title, font(Font.BOLD, 40), ACCENT, x, y, width);
        for (TopItem item : items) {
            baseline = line(g, item.rank() + ". " + item.name(), font(Font.BOLD, 34), TEXT, x, baseline + 64, width);
            if (withArtists) {
                baseline = line(g, artistNames(item), font(Font.PLAIN, 28), MUTED, x + 36, baseline + 38, width - 36);
            }
        }
    }

    /** Draws one line, cut with an ellipsis where it would run past {@code width}; returns its baseline. */
    private static int line(Graphics2D g, String text, Font font, Color color, int x, int baseline, int width) {
        g.setFont(font);
        g.setColor(color);
        g.drawString(fitted(text, g.getFontMetrics(), width), x, baseline);
        return baseline;
    }

    static String fitted(String text, FontMetrics metrics, int width) {
        if (metrics.stringWidth(text) <= width) {
            return text;
        }
        int end = text.length();
        while (end > 0 && metrics.stringWidth(text.substring(0, end) + "…") > width) {
            end = text.offsetByCodePoints(end, -1);
        }
        return text.substring(0, end).stripTrailing() + "…";
    }

    private static Font font(int style, int size) {
        return new Font(Font.SANS_SERIF, style, size);
    }

    private static List<TopItem> top(List<TopItem> items) {
        return items == null ? List.of() : items.stream().limit(TOP_ENTRIES).toList();
    }

    private static String artistNames(TopItem item) {
        return item.artists() == null
                ? ""
                : item.artists().stream().map(Artist::name).collect(Collectors.joining(", "));
    }

    private static String number(long value) {
        return NumberFormat.getIntegerInstance(Locale.ENGLISH).format(value);
    }

    /** {@code 2025-03} as {@code March}: the card is about one year. */
    private static String monthName(String yearMonth) {
        return YearMonth.parse(yearMonth).getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
    }

    private static String days(int days) {
        return days == 1 ? "1 day" : number(days) + " days";
    }

    private static String hour(int hour) {
        return String.format(Locale.ROOT, "%02d:00", hour);
    }

    private static byte[] png(BufferedImage image, String description) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            IIOMetadata metadata = writer.getDefaultImageMetadata(
                    ImageTypeSpecifier.createFromRenderedImage(image), writer.getDefaultWriteParam());
            metadata.mergeTree(metadata.getNativeMetadataFormatName(), descriptionTree(description));
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, metadata), writer.getDefaultWriteParam());
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("The year card could not be written as PNG", e);
        } finally {
            writer.dispose();
        }
    }

    /** An iTXt chunk rather than tEXt: names of tracks and artists are not Latin-1. */
    private static IIOMetadataNode descriptionTree(String description) {
        IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
        entry.setAttribute("keyword", DESCRIPTION_KEYWORD);
        entry.setAttribute("compressionFlag", "FALSE");
        entry.setAttribute("compressionMethod", "0");
        entry.setAttribute("languageTag", "en");
        entry.setAttribute("translatedKeyword", "");
        entry.setAttribute("text", description);
        IIOMetadataNode text = new IIOMetadataNode("iTXt");
        text.appendChild(entry);
        IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
        root.appendChild(text);
        return root;
    }
}
