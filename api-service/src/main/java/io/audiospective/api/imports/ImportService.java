package io.audiospective.api.imports;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.audiospective.api.config.ApiConfig;
import io.audiospective.api.messaging.Channels;
import io.audiospective.api.messaging.ImportOutcomePublisher;
import io.audiospective.api.repository.CatalogueRepository;
import io.audiospective.api.repository.ImportRepository;
import io.audiospective.api.repository.ImportRepository.StoredImport;
import io.audiospective.model.ImportChunk;
import io.audiospective.model.ImportEntry;
import io.audiospective.model.ImportOutcome;
import io.audiospective.model.ImportProgress;
import io.audiospective.support.rest.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * An upload becomes an import job: the body is spooled to a temporary file (streamed, never held in memory),
 * checked completely (every file, every entry, the import limits of {@link ApiConfig.Imports}) so that a bad file or
 * an upload over a limit fails before anything is sent, then read again and sent to {@code imports} in chunks keyed
 * by user. The worker reports its totals on {@code imports.progress}, which {@link #apply(ImportProgress)} folds
 * into the job row. A job that ends (DONE or FAILED) writes its {@link ImportOutcome} to the outbox in the same
 * transaction, for {@code imports.outcomes}.
 */
@ApplicationScoped
public class ImportService {

    private static final Logger LOG = Logger.getLogger(ImportService.class);
    /** At most this many entries per chunk ... */
    public static final int CHUNK_SIZE = 5_000;
    /** ... and at most about this many bytes of JSON, so a chunk stays under Kafka's default 1 MB message limit. */
    static final int CHUNK_BYTES = 900_000;

    private static final int IN_FLIGHT = 8;

    static final String ABANDONED_SENDING = "sending to the worker was interrupted (the service sending it stopped);"
            + " the plays sent before are archived: undo this import to remove them, or upload the file again"
            + " (nothing is archived twice)";

    private final ImportRepository imports;
    private final CatalogueRepository catalogue;
    private final MutinyEmitter<ImportChunk> chunks;
    private final ObjectMapper json;
    private final ApiConfig.Imports limits;
    private final Clock clock;
    private final ImportOutcomePublisher outcomes;

    ImportService(
            ImportRepository imports,
            CatalogueRepository catalogue,
            @Channel(Channels.IMPORTS) MutinyEmitter<ImportChunk> chunks,
            ObjectMapper json,
            ApiConfig config,
            Clock clock,
            ImportOutcomePublisher outcomes) {
        this.imports = imports;
        this.catalogue = catalogue;
        this.chunks = chunks;
        this.json = json;
        this.limits = config.imports();
        this.clock = clock;
        this.outcomes = outcomes;
    }

    public record Job(
            String id,
            String userId,
            String status,
            java.time.Instant createdAt,
            java.time.Instant finishedAt,
            List<String> files,
            long entriesRead,
            long playsSent,
            Map<String, Long> skipped,
            List<RejectedEntry> rejected,
            int chunksSent,
            int chunksProcessed,
            long imported,
            long duplicates,
            long pendingMetadata,
            long failed,
            Map<String, Long> unmatched,
            long awaitingCatalogue,
            long withoutCatalogue,
            long removed,
            String error) {}

    /**
     * One uploaded file already on disk (a spool file or a multipart part written by the HTTP layer).
     *
     * @param name the file's name as uploaded
     * @param zip whether it is a zip of history files (else one JSON history file)
     */
    public record Upload(String name, boolean zip, Path file) {}

    /** Imports a raw body: spooled to a temporary file first (streamed, never held in memory). */
    public Job upload(String userId, String name, boolean zip, InputStream body) {
        requireRoomForAnotherImport(userId); // before spooling what would be refused anyway
        Path spool = null;
        try {
            spool = Files.createTempFile("import-", zip ? ".zip" : ".json");
            Files.copy(body, spool, StandardCopyOption.REPLACE_EXISTING);
            return importFiles(userId, List.of(new Upload(name, zip, spool)));
        } catch (IOException e) {
            throw new ProblemException(
                    400,
                    "urn:audiospective:problem:bad-import-file",
                    name + ": the upload could not be read: " + e.getMessage());
        } finally {
            delete(spool);
        }
    }

    /**
     * Imports files already on disk as one job: every file is checked completely first (a bad one fails the whole
     * upload and nothing is sent), then read again and sent. The caller owns (and deletes) the files.
     */
    public Job upload(String userId, List<Upload> uploads) {
        if (uploads.isEmpty()) {
            throw ProblemException.badRequest("The upload holds no file");
        }
        requireRoomForAnotherImport(userId);
        return importFiles(userId, uploads);
    }

    private Job importFiles(String userId, List<Upload> uploads) {
        try {
            long started = System.nanoTime();
            EntryRules rules = new EntryRules(clock.instant());
            HistoryFileParser.Counts counts = new HistoryFileParser.Counts(limits.maxEntries());
            UnknownTracks unknownTracks = new UnknownTracks(limits.maxUnknownTracks(), catalogue::countKnownTracks);
            DecompressedBytes bytes =
                    new DecompressedBytes(limits.maxDecompressedSize().asLongValue());
            List<String> files = new ArrayList<>();
            for (Upload upload : uploads) {
                files.addAll(read(upload, rules, bytes, counts, unknownTracks::add));
            }
            unknownTracks.check();
            String id = UUID.randomUUID().toString();
            String skipped = json.writeValueAsString(counts.skipped);
            String rejected = json.writeValueAsString(counts.rejected);
            QuarkusTransaction.requiringNew().run(() -> {
                // one upload of a member at a time passes this point, so two at once cannot both take the last room
                imports.lockMemberUploads(userId);
                requireRoomForAnotherImport(userId);
                imports.insertSending(id, userId, files, counts.read, counts.plays, skipped, rejected);
            });
            long checked = System.nanoTime();
            send(uploads, rules, id, userId);
            LOG.infof(
                    "Import %s: %d entries checked in %d ms, %d plays sent in %d ms",
                    id,
                    counts.read,
                    (checked - started) / 1_000_000,
                    counts.plays,
                    (System.nanoTime() - checked) / 1_000_000);
            return job(userId, id).orElseThrow();
        } catch (ImportFileException e) {
            throw new ProblemException(422, "urn:audiospective:problem:bad-import-file", e.getMessage());
        } catch (IOException e) {
            throw new ProblemException(
                    400,
                    "urn:audiospective:problem:bad-import-file",
                    "the upload could not be read: " + e.getMessage());
        }
    }

    /** Refuses (429) a member who already has as many imports running as allowed. */
    private void requireRoomForAnotherImport(String userId) {
        failAbandonedSending(userId);
        long running = imports.countRunning(userId);
        if (running >= limits.maxRunningPerMember()) {
            throw ImportLimits.tooManyRunning(limits.maxRunningPerMember(), running);
        }
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warnf("Could not delete %s", file);
            }
        }
    }

    private void send(List<Upload> uploads, EntryRules rules, String id, String userId) throws IOException {
        List<ImportEntry> buffer = new ArrayList<>(CHUNK_SIZE);
        long[] bufferBytes = {0};
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        int[] sequence = {0};
        Consumer<List<ImportEntry>> flush = entries -> {
            ImportChunk chunk = new ImportChunk(
                    ImportChunk.CURRENT_VERSION, id, userId, sequence[0]++, false, List.copyOf(entries));
            inFlight.add(chunks.sendMessage(Message.of(chunk)
                            .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                    .withKey(userId)
                                    .build()))
                    .subscribeAsCompletionStage());
            if (inFlight.size() >= IN_FLIGHT) {
                CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                        .join();
                inFlight.clear();
            }
        };
        Consumer<ImportEntry> chunker = entry -> {
            long size = encodedSize(entry);
            if (!buffer.isEmpty() && bufferBytes[0] + size > CHUNK_BYTES) {
                flush.accept(buffer);
                buffer.clear();
                bufferBytes[0] = 0;
            }
            buffer.add(entry);
            bufferBytes[0] += size;
            if (buffer.size() == CHUNK_SIZE) {
                flush.accept(buffer);
                buffer.clear();
                bufferBytes[0] = 0;
            }
        };
        try {
            for (Upload upload : uploads) {
                // the first pass found the upload within the limits, and the same files read the same way still are
                read(
                        upload,
                        rules,
                        new DecompressedBytes(Long.MAX_VALUE),
                        new HistoryFileParser.Counts(Long.MAX_VALUE),
                        chunker);
            }
            if (!buffer.isEmpty()) {
                flush.accept(buffer);
            }
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).join();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Import %s: sending stopped", id);
            end(() -> imports.failSending(
                    id,
                    sequence[0],
                    "sending to the worker stopped after " + sequence[0]
                            + " chunks; the chunks sent are archived, the rest is not: upload the file again (nothing is"
                            + " archived twice)"));
            return;
        }
        imports.markSent(id, sequence[0]);
        end(() -> imports.completeIfDone(id));
    }

    /** An upper bound of an entry's JSON in a chunk: the fixed fields plus each text as UTF-8 with JSON escapes. */
    static long encodedSize(ImportEntry entry) {
        long size = 140;
        for (String text : new String[] {
            entry.trackUri(),
            entry.trackName(),
            entry.artistName(),
            entry.albumName(),
            entry.reasonStart(),
            entry.reasonEnd()
        }) {
            if (text == null) {
                continue;
            }
            size += 20;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                size += c < 0x20 ? 6 : c == '"' || c == '\\' ? 2 : c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
        }
        return size;
    }

    /** Every history file of the upload, in order; returns the names of the files read. */
    private static List<String> read(
            Upload upload,
            EntryRules rules,
            DecompressedBytes bytes,
            HistoryFileParser.Counts counts,
            Consumer<ImportEntry> plays)
            throws IOException {
        String name = upload.name();
        boolean zip = upload.zip();
        List<String> files = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(upload.file()), 1 << 16)) {
            if (!zip) {
                bytes.addFile(name, Files.size(upload.file()));
                HistoryFileParser.parse(name, in, rules, counts, plays);
                files.add(name);
                return files;
            }
            ZipInputStream entries = new ZipInputStream(in);
            ZipEntry entry;
            String current = null;
            try {
                while ((entry = entries.getNextEntry()) != null) {
                    current = entry.getName();
                    String path = name + "/" + current;
                    // every entry is inflated through the count, also those skipped: a bomb hides anywhere
                    InputStream inflated = bytes.count(path, entries);
                    if (entry.isDirectory() || !HistoryFileParser.isHistoryFile(current)) {
                        inflated.transferTo(OutputStream.nullOutputStream());
                        continue;
                    }
                    HistoryFileParser.parse(path, inflated, rules, counts, plays);
                    files.add(current);
                }
            } catch (ZipException | EOFException e) {
                throw new ImportFileException(
                        current == null ? name : name + "/" + current,
                        "the zip is truncated or damaged (" + e.getMessage() + ")");
            } catch (ImportFileException e) {
                if (e.getMessage().contains("could not be read")
                        || e.getMessage().contains("Unexpected end")) {
                    throw new ImportFileException(
                            name + "/" + current, "the zip is truncated or damaged (" + e.getMessage() + ")");
                }
                throw e;
            }
            if (files.isEmpty()) {
                throw new ImportFileException(
                        name,
                        "the zip holds no Spotify streaming history file"
                                + " (Streaming_History_Audio_*.json, endsong_*.json or StreamingHistory_music_*.json)");
            }
            return files;
        }
    }

    /**
     * Fails the member's jobs whose sending was abandoned (see {@link ApiConfig.Imports#abandonedSendingAfter()}):
     * the chunks sent before are archived, so the member may undo them or upload the file again.
     */
    private void failAbandonedSending(String userId) {
        end(() -> imports.failSendingSince(
                userId, clock.instant().minus(limits.abandonedSendingAfter()), ABANDONED_SENDING));
    }

    /**
     * Runs a change that ends jobs (it returns the jobs it ended, each only once: the transition's own condition)
     * and writes each one's outcome to the outbox in the same transaction, the caller's or a new one.
     */
    private void end(Supplier<List<StoredImport>> change) {
        QuarkusTransaction.joiningExisting().run(() -> change.get().forEach(ended -> outcomes.append(outcome(ended))));
    }

    private ImportOutcome outcome(StoredImport ended) {
        Job job = job(ended);
        return new ImportOutcome(
                ImportOutcome.CURRENT_VERSION,
                job.id(),
                job.userId(),
                ImportOutcome.Result.valueOf(job.status()),
                job.finishedAt(),
                job.entriesRead(),
                job.imported(),
                job.duplicates(),
                job.failed(),
                job.unmatched().values().stream().mapToLong(Long::longValue).sum(),
                job.error());
    }

    public Optional<Job> job(String userId, String id) {
        failAbandonedSending(userId);
        return imports.find(userId, id).map(this::job);
    }

    /** The user's imports, newest first. */
    public List<Job> jobs(String userId, int limit) {
        failAbandonedSending(userId);
        return imports.list(userId, limit).stream().map(this::job).toList();
    }

    private Job job(StoredImport stored) {
        try {
            return new Job(
                    stored.id(),
                    stored.userId(),
                    stored.status(),
                    stored.createdAt(),
                    stored.finishedAt(),
                    stored.files(),
                    stored.entriesRead(),
                    stored.playsSent(),
                    counts(stored.skippedJson()),
                    json.readValue(
                            stored.rejectedJson(),
                            new com.fasterxml.jackson.core.type.TypeReference<List<RejectedEntry>>() {}),
                    stored.chunksSent(),
                    stored.chunksProcessed(),
                    stored.imported(),
                    stored.duplicates(),
                    stored.pendingMetadata(),
                    stored.failed(),
                    counts(stored.unmatchedJson()),
                    stored.awaitingCatalogue(),
                    stored.withoutCatalogue(),
                    stored.removed(),
                    stored.error());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Long> counts(String text) throws IOException {
        return json.readValue(
                text, new com.fasterxml.jackson.core.type.TypeReference<java.util.TreeMap<String, Long>>() {});
    }

    /** The worker's totals; older or repeated reports are ignored. */
    public void apply(ImportProgress progress) {
        String unmatched;
        try {
            unmatched = json.writeValueAsString(progress.unmatched());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        imports.applyProgress(progress, unmatched);
        end(() -> imports.completeIfDone(progress.importId()));
    }

    /**
     * The member undoes an import: the job becomes UNDOING and the undo goes to the worker on {@code imports}, keyed
     * by the member like the import's chunks, so the worker sees it after every one of them; the worker's report
     * makes the job UNDONE with the plays it removed. An import still being sent cannot be undone yet (chunks sent
     * after the undo would be ignored, but the job would not say so). Asking again while UNDOING sends the undo again
     * (the worker's undo is idempotent); an UNDONE job stays as it is.
     */
    public Job undo(String userId, String id) {
        Job job = job(userId, id).orElseThrow(() -> ProblemException.notFound("No import " + id + " of yours"));
        if ("SENDING".equals(job.status())) {
            throw new ProblemException(
                    409,
                    "urn:audiospective:problem:import-still-sending",
                    "Import " + id
                            + " is still being sent to the archive; undo it once its status is IMPORTING or DONE");
        }
        if ("UNDONE".equals(job.status())) {
            return job;
        }
        imports.markUndoing(userId, id);
        chunks.sendMessage(Message.of(ImportChunk.undo(id, userId))
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(userId)
                                .build()))
                .await()
                .atMost(Duration.ofSeconds(30));
        return job(userId, id).orElseThrow();
    }
}
