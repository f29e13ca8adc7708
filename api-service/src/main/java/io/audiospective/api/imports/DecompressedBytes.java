package io.audiospective.api.imports;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes one pass over an upload reads after decompression, over all its files, and refuses the upload
 * as soon as they pass the limit: a zip bomb stops after the limit's worth of inflating, not after all of it.
 */
final class DecompressedBytes {

    private final long limit;
    private long read;

    DecompressedBytes(long limit) {
        this.limit = limit;
    }

    /** A plain (not compressed) file of known size: refused before it is read when it cannot fit. */
    void addFile(String file, long size) {
        read += size;
        if (read > limit) {
            throw ImportLimits.tooManyBytes(file, limit, read);
        }
    }

    /**
     * {@code in} counted as it is read; closing the result leaves {@code in} open (a zip stream serves the next
     * entry after this one).
     */
    InputStream count(String file, InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    add(file, 1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    add(file, n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                add(file, skipped);
                return skipped;
            }

            @Override
            public void close() {
                // the caller owns the underlying stream
            }
        };
    }

    private void add(String file, long n) {
        read += n;
        if (read > limit) {
            throw ImportLimits.tooManyBytes(file, limit);
        }
    }
}
