package io.audiospective.api.service;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Reads a PNG back: its size and the text of one of its iTXt entries, as an image viewer would. */
public record PngText(int width, int height, String text) {

    public static PngText read(byte[] png, String keyword) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                Element tree = (Element) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
                NodeList entries = tree.getElementsByTagName("iTXtEntry");
                String text = null;
                for (int i = 0; i < entries.getLength(); i++) {
                    Element entry = (Element) entries.item(i);
                    if (keyword.equals(entry.getAttribute("keyword"))) {
                        text = entry.getAttribute("text");
                    }
                }
                return new PngText(reader.getWidth(0), reader.getHeight(0), text);
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
