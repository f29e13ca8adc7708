package io.audiospective.emulator.service;

import java.nio.charset.StandardCharsets;

/** Small, fast, stable hash functions: the synthetic world must be identical on every machine and run. */
public final class Hashing {

    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();

    private Hashing() {}

    /** SplitMix64 finaliser. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public static long mix(long a, long b) {
        return mix(a * 0x9E3779B97F4A7C15L + mix(b));
    }

    public static long mix(long a, long b, long c) {
        return mix(mix(a, b), c);
    }

    public static long mix(long a, long b, long c, long d) {
        return mix(mix(a, b, c), d);
    }

    /** Stable 64-bit hash of a string (FNV-1a then mixed). */
    public static long of(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** Uniform double in [0, 1) from a hash. */
    public static double unit(long h) {
        return (mix(h) >>> 11) * 0x1.0p-53;
    }

    /** A 22-character base62 id, like Spotify's. */
    public static String spotifyId(long a, long b) {
        char[] out = new char[22];
        long x = mix(a, b);
        long y = mix(b, a ^ 0x5DEECE66DL);
        for (int i = 0; i < 22; i++) {
            long src = i < 11 ? x : y;
            int shift = (i % 11) * 5;
            out[i] = BASE62[(int) Long.remainderUnsigned(src >>> shift ^ mix(src + i), 62)];
        }
        return new String(out);
    }

    public static String hex(long a, long b, int length) {
        StringBuilder sb = new StringBuilder(length);
        long h = mix(a, b);
        while (sb.length() < length) {
            sb.append(String.format("%016x", h));
            h = mix(h);
        }
        return sb.substring(0, length);
    }
}
