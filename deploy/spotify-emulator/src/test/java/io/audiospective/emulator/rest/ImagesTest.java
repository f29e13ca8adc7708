package io.audiospective.emulator.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.audiospective.emulator.TestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/** Album covers and artist pictures point at this emulator, which serves each as an SVG of the listed size. */
@QuarkusTest
class ImagesTest {

    @Test
    void everyListedImageIsServedHereAtItsSize() {
        String user = TestClient.createUsers("typical", 9271, 1, "img").get(0);
        TestClient.Tokens t = TestClient.login(user);
        JsonPath catalogue = given().queryParam("offset", 7)
                .queryParam("limit", 3)
                .get("/emulator/catalogue")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        for (String id : catalogue.getList("album_ids", String.class)) {
            JsonPath album = given().header("Authorization", TestClient.bearer(t))
                    .get("/v1/albums/" + id)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertServed(album.getList("images"), List.of(640, 300, 64), "/images/albums/" + id + "/");
            String artist = album.getString("artists[0].id");
            JsonPath picture = given().header("Authorization", TestClient.bearer(t))
                    .get("/v1/artists/" + artist)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            assertServed(picture.getList("images"), List.of(640, 320, 160), "/images/artists/" + artist + "/");
        }
        given().get("/images/albums/0000000000000000000000/640.svg").then().statusCode(404);
        given().get("/images/albums/" + catalogue.getList("album_ids").get(0) + "/123.svg")
                .then()
                .statusCode(404);
    }

    private static void assertServed(List<Map<String, Object>> images, List<Integer> sizes, String path) {
        assertThat(images).extracting(image -> image.get("width")).containsExactlyElementsOf(sizes);
        String first = null;
        for (Map<String, Object> image : images) {
            URI url = URI.create((String) image.get("url"));
            assertThat(url.getPath()).startsWith(path);
            Response r = given().get(url.getPath());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.contentType()).startsWith("image/svg+xml");
            assertThat(r.asString()).contains("width=\"" + image.get("width") + "\"");
            String drawing = r.asString().replaceAll("width=\"\\d+\" height=\"\\d+\"", "");
            if (first == null) {
                first = drawing;
            }
            assertThat(drawing).as("the same picture at every size").isEqualTo(first);
        }
    }
}
