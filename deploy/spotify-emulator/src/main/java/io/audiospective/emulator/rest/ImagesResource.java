package io.audiospective.emulator.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import io.audiospective.emulator.Album;
import io.audiospective.emulator.Artist;
import io.audiospective.emulator.service.Catalogue;

/**
 * The synthetic catalogue's images, served here instead of Spotify's CDN so that tests and the local run show
 * pictures without reaching the internet: a small SVG per album cover and artist picture, at the sizes the album
 * and artist objects list, coloured from the item's image key. Public, as Spotify's CDN is: no token.
 */
@Path("/images")
public class ImagesResource {

    static final String SVG = "image/svg+xml";

    @Inject
    Catalogue catalogue;

    @GET
    @Path("/albums/{id}/{size: 64|300|640}.svg")
    public Response album(@PathParam("id") String id, @PathParam("size") int size) {
        Album album = catalogue.albumById(id);
        return album == null ? Response.status(404).build() : image(album.imageKey(), size, false);
    }

    @GET
    @Path("/artists/{id}/{size: 160|320|640}.svg")
    public Response artist(@PathParam("id") String id, @PathParam("size") int size) {
        Artist artist = catalogue.artistById(id);
        return artist == null ? Response.status(404).build() : image(artist.imageKey(), size, true);
    }

    /** Two colours and a disc (a record for a cover, a head for an artist) from the key's hex digits. */
    private static Response image(String key, int size, boolean round) {
        String background = "#" + key.substring(0, 6);
        String foreground = "#" + key.substring(6, 12);
        int angle = Integer.parseInt(key.substring(12, 14), 16) * 360 / 256;
        String shape = round
                ? "<circle cx=\"50\" cy=\"38\" r=\"18\" fill=\"" + foreground + "\"/>"
                        + "<ellipse cx=\"50\" cy=\"92\" rx=\"34\" ry=\"30\" fill=\"" + foreground + "\"/>"
                : "<circle cx=\"50\" cy=\"50\" r=\"34\" fill=\"" + foreground + "\"/>"
                        + "<circle cx=\"50\" cy=\"50\" r=\"6\" fill=\"" + background + "\"/>";
        String svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + size + "\" height=\"" + size
                + "\" viewBox=\"0 0 100 100\"><rect width=\"100\" height=\"100\" fill=\"" + background
                + "\"/><g transform=\"rotate(" + angle + " 50 50)\">" + shape + "</g></svg>";
        return Response.ok(svg, SVG)
                .header("Cache-Control", "public, max-age=86400, immutable")
                .build();
    }
}
