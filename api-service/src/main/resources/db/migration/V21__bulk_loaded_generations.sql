-- A replay loads a new generation's plays in bulk and computes its rollups once at the end. Until then its rollups
-- are not kept as plays arrive: the live consumer writes only plays into it. A generation is listed here once its
-- rollups were built; the active generation always keeps them.
CREATE TABLE read_model_rollups_built (
    generation INT NOT NULL PRIMARY KEY
);
INSERT INTO read_model_rollups_built (generation)
SELECT building_generation FROM read_model_state WHERE building_generation IS NOT NULL;
