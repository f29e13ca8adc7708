package io.audiospective.api.imports;

/**
 * An example of an entry skipped as invalid, kept on the job so the member can find it in the file.
 *
 * @param file the file's name ({@code zip/entry} inside a zip)
 * @param entry the entry's index in the file's array, from 0
 * @param line the line of the file the entry starts on, from 1
 * @param reason the {@code invalid: ...} reason it was skipped for, as counted in the job's {@code skipped}
 */
public record RejectedEntry(String file, int entry, int line, String reason) {}
