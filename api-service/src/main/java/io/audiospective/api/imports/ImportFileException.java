package io.audiospective.api.imports;

/** A file that cannot be imported; the message names the file and the problem. */
public class ImportFileException extends RuntimeException {

    public ImportFileException(String file, String problem) {
        super(file + ": " + problem);
    }
}
