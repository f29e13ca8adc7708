package io.audiospective.api.rest;

import java.io.InputStream;
import java.net.URI;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import io.audiospective.api.imports.ImportService;
import io.audiospective.api.imports.ImportService.Job;
import io.audiospective.support.rest.Problem;
import io.audiospective.support.rest.ProblemException;

/** Imports of the history files people download from Spotify: upload, then follow the job. */
@Path("/api/v1/me/imports")
@RolesAllowed("user")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "imports")
@SecurityRequirement(name = "apiToken")
public class ImportResource {

    static final String JOB = """
            {"id":"0b7c2f8e-5d7a-4c1e-9a51-2f9f3b1c6d10","userId":"spotify-user-1","status":"IMPORTING",
             "createdAt":"2026-03-01T12:00:00Z","finishedAt":null,"files":["Streaming_History_Audio_2023.json"],
             "entriesRead":15872,"playsSent":12009,
             "skipped":{"invalid: ts before 2008-10-07":2,"podcast":420,"under 30 s":3441},
             "rejected":[{"file":"Streaming_History_Audio_2023.json","entry":3,"line":40,
                          "reason":"invalid: ts before 2008-10-07"},
                         {"file":"Streaming_History_Audio_2023.json","entry":9,"line":112,
                          "reason":"invalid: ts before 2008-10-07"}],
             "chunksSent":13,
             "chunksProcessed":9,"imported":8400,"duplicates":610,"pendingMetadata":12,"failed":0,
             "unmatched":{},"awaitingCatalogue":2150,"withoutCatalogue":31,"removed":0,"error":null}""";
    static final String BAD_FILE = """
            {"type":"urn:audiospective:problem:bad-import-file","title":"Unprocessable Entity","status":422,
             "detail":"my_spotify_data.zip/Streaming_History_Audio_2023.json: not valid JSON (Unexpected end-of-input at line 1, column 18)"}""";
    static final String TOO_LARGE = """
            {"type":"urn:audiospective:problem:import-too-large","title":"Request Entity Too Large","status":413,
             "detail":"my_spotify_data.zip/Streaming_History_Audio_2023.json: the upload holds more than 2,147,483,648 bytes once decompressed, the limit per import. Nothing was imported: upload the export's history files in several smaller imports (for example one Streaming_History_Audio_*.json file at a time)."}""";
    static final String TOO_MANY_UNKNOWN_TRACKS = """
            {"type":"urn:audiospective:problem:import-too-many-unknown-tracks","title":"Unprocessable Entity",
             "status":422,"detail":"The upload's plays name at least 100,001 distinct tracks this archive does not know yet, more than the limit of 100,000 per import (the details of every new track are fetched from Spotify). Nothing was imported: upload the history in smaller parts (for example one year's file at a time) and wait until each import is DONE before the next."}""";
    static final String TOO_MANY_RUNNING = """
            {"type":"urn:audiospective:problem:too-many-imports-running","title":"Too Many Requests","status":429,
             "detail":"2 imports of yours are still running (SENDING or IMPORTING), the limit is 2 at a time. Nothing was imported: wait until one of them is DONE or FAILED (GET /api/v1/me/imports), then upload again."}""";

    private final JsonWebToken token;
    private final ImportService imports;

    ImportResource(JsonWebToken token, ImportService imports) {
        this.token = token;
        this.imports = imports;
    }

    @POST
    @Consumes({"application/zip", MediaType.APPLICATION_JSON, MediaType.APPLICATION_OCTET_STREAM})
    @Operation(
            summary = "Import a Spotify history download: the zip, or one Streaming_History_Audio_*.json, "
                    + "endsong_*.json or StreamingHistory_music_*.json (raw body; name it with ?name=)")
    @APIResponse(
            responseCode = "202",
            description = "Checked and sent to the worker; follow the job (invalid "
                    + "entries are skipped, counted by reason and the first ones listed in rejected)",
            content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "job", value = JOB)))
    @APIResponse(
            responseCode = "413",
            description = "The upload is over the limit of decompressed bytes or of "
                    + "entries per import; nothing was imported",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "too large", value = TOO_LARGE)))
    @APIResponse(
            responseCode = "422",
            description = "A file is not JSON, has the wrong shape, is not a Spotify "
                    + "history file, or the zip is damaged; or the plays name more tracks unknown to the archive than an "
                    + "import may; nothing was imported",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = {
                                @ExampleObject(name = "bad file", value = BAD_FILE),
                                @ExampleObject(name = "too many unknown tracks", value = TOO_MANY_UNKNOWN_TRACKS)
                            }))
    @APIResponse(
            responseCode = "429",
            description = "As many of your imports as allowed are still running; "
                    + "nothing was imported; Retry-After says when to look again",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "too many running", value = TOO_MANY_RUNNING)))
    public Response upload(
            @QueryParam("name") String name, @HeaderParam("Content-Type") String contentType, InputStream body) {
        boolean zip = (contentType != null && contentType.startsWith("application/zip"))
                || (name != null && name.toLowerCase().endsWith(".zip"));
        String fileName = name == null || name.isBlank() ? (zip ? "upload.zip" : "upload.json") : name;
        if (!zip
                && contentType != null
                && contentType.startsWith(MediaType.APPLICATION_OCTET_STREAM)
                && !fileName.endsWith(".json")) {
            throw ProblemException.badRequest(
                    "Send a zip (application/zip) or a JSON history file " + "(application/json)");
        }
        Job job = imports.upload(token.getSubject(), fileName, zip, body);
        return Response.accepted(job)
                .location(URI.create("/api/v1/me/imports/" + job.id()))
                .build();
    }

    /**
     * The same import from a browser form ({@code <input type="file" name="file" multiple>}): every file part is
     * written to disk by the HTTP layer as it arrives (never held in memory) and all of them become one job.
     */
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(
            summary = "Import Spotify history files posted by a form (multipart/form-data): one or more file "
                    + "fields, each a zip of the export or one history JSON file; all of them become one job")
    @APIResponse(
            responseCode = "202",
            description = "Checked and sent to the worker; follow the job (invalid "
                    + "entries are skipped, counted by reason and the first ones listed in rejected)",
            content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "job", value = JOB)))
    @APIResponse(
            responseCode = "413",
            description = "The upload is over the limit of decompressed bytes or of "
                    + "entries per import; nothing was imported",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "too large", value = TOO_LARGE)))
    @APIResponse(
            responseCode = "422",
            description = "A file is not JSON, has the wrong shape, is not a Spotify "
                    + "history file, or the zip is damaged; or the plays name more tracks unknown to the archive than an "
                    + "import may; nothing was imported",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = {
                                @ExampleObject(name = "bad file", value = BAD_FILE),
                                @ExampleObject(name = "too many unknown tracks", value = TOO_MANY_UNKNOWN_TRACKS)
                            }))
    @APIResponse(
            responseCode = "429",
            description = "As many of your imports as allowed are still running; "
                    + "nothing was imported; Retry-After says when to look again",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "too many running", value = TOO_MANY_RUNNING)))
    public Response uploadForm(@RestForm(FileUpload.ALL) List<FileUpload> files) {
        List<ImportService.Upload> uploads = files == null
                ? List.of()
                : files.stream()
                        .filter(f -> f.uploadedFile() != null)
                        .map(f -> {
                            String name = f.fileName() == null || f.fileName().isBlank() ? f.name() : f.fileName();
                            String type = f.contentType();
                            boolean zip = (type != null
                                            && (type.startsWith("application/zip")
                                                    || type.startsWith("application/x-zip")))
                                    || name.toLowerCase().endsWith(".zip");
                            return new ImportService.Upload(name, zip, f.uploadedFile());
                        })
                        .toList();
        if (uploads.isEmpty()) {
            throw ProblemException.badRequest("The form holds no file: post the history files as file fields");
        }
        Job job = imports.upload(token.getSubject(), uploads);
        return Response.accepted(job)
                .location(URI.create("/api/v1/me/imports/" + job.id()))
                .build();
    }

    @GET
    @Operation(summary = "Your imports, newest first (at most the 100 latest), each with its progress")
    @APIResponse(
            responseCode = "200",
            description = "The jobs",
            content =
                    @Content(
                            mediaType = "application/json",
                            examples = @ExampleObject(name = "jobs", value = "[" + JOB + "]")))
    public List<Job> jobs() {
        return imports.jobs(token.getSubject(), 100);
    }

    @DELETE
    @Path("/{id}")
    @Operation(
            summary = "Undo an import: every play it added is removed from the archive, the statistics and the "
                    + "plays topic (never a polled play or another import's); follow the job until UNDONE")
    @APIResponse(
            responseCode = "202",
            description = "The undo was sent; the job is UNDOING, then UNDONE with the " + "plays removed",
            content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "job", value = JOB)))
    @APIResponse(
            responseCode = "404",
            description = "No such import of yours",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(
            responseCode = "409",
            description = "The import is still being sent; undo it once it is IMPORTING",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Response undo(@PathParam("id") String id) {
        return Response.accepted(imports.undo(token.getSubject(), id)).build();
    }

    @GET
    @Path("/{id}")
    @Operation(
            summary = "An import's progress: entries read, sent, skipped by reason, imported, duplicates, "
                    + "waiting for metadata, failed; imported plays still shown under the file's names until Spotify "
                    + "describes their track (awaitingCatalogue) and those Spotify does not know (withoutCatalogue)")
    @APIResponse(
            responseCode = "200",
            description = "The job",
            content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "job", value = JOB)))
    @APIResponse(
            responseCode = "404",
            description = "No such import of yours",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            examples = @ExampleObject(name = "unknown", value = BAD_FILE)))
    public Job job(@PathParam("id") String id) {
        return imports.job(token.getSubject(), id)
                .orElseThrow(() -> ProblemException.notFound("No import " + id + " of yours"));
    }
}
