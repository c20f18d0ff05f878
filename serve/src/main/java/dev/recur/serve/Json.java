package dev.recur.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Strict reading of a request's JSON object: every refusal names the field. */
final class Json {

    private final JsonObject o;

    private Json(JsonObject o) {
        this.o = o;
    }

    /** Parses a body that must be one JSON object whose keys are all in {@code known}. */
    static Json parse(String body, Set<String> known) {
        JsonElement e;
        try {
            e = JsonParser.parseString(body == null ? "" : body);
        } catch (JsonParseException | IllegalStateException ex) {
            throw new ApiException(400, "body", "the body is not valid JSON");
        }
        if (e == null || !e.isJsonObject()) {
            throw new ApiException(400, "body", "the body must be a JSON object");
        }
        JsonObject o = e.getAsJsonObject();
        for (String k : o.keySet()) {
            if (!known.contains(k)) {
                throw new ApiException(400, k, "unknown field '" + k + "' (known: " + String.join(", ",
                        new java.util.TreeSet<>(known)) + ")");
            }
        }
        return new Json(o);
    }

    boolean has(String k) {
        return o.has(k) && !o.get(k).isJsonNull();
    }

    String string(String k, String def) {
        if (!has(k)) {
            return def;
        }
        JsonElement e = o.get(k);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new ApiException(400, k, "'" + k + "' must be a string");
        }
        return e.getAsString();
    }

    boolean bool(String k, boolean def) {
        if (!has(k)) {
            return def;
        }
        JsonElement e = o.get(k);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new ApiException(400, k, "'" + k + "' must be true or false");
        }
        return e.getAsBoolean();
    }

    double number(String k, double def, double min, double max, boolean minExclusive) {
        if (!has(k)) {
            return def;
        }
        double v = primitiveNumber(k).doubleValue();
        if (!Double.isFinite(v) || v > max || (minExclusive ? v <= min : v < min)) {
            throw new ApiException(400, k, "'" + k + "' must be in " + (minExclusive ? "(" : "[") + min + ", " + max
                    + "], got " + v);
        }
        return v;
    }

    long integer(String k, long def, long min, long max) {
        if (!has(k)) {
            return def;
        }
        JsonPrimitive p = primitive(k);
        java.math.BigDecimal d;
        try {
            d = p.getAsBigDecimal();
        } catch (NumberFormatException ex) {
            throw new ApiException(400, k, "'" + k + "' must be an integer");
        }
        if (d.stripTrailingZeros().scale() > 0) {
            throw new ApiException(400, k, "'" + k + "' must be an integer, got " + p.getAsString());
        }
        if (d.compareTo(java.math.BigDecimal.valueOf(min)) < 0 || d.compareTo(java.math.BigDecimal.valueOf(max)) > 0) {
            throw new ApiException(400, k, "'" + k + "' must be in [" + min + ", " + max + "], got " + d.toPlainString());
        }
        return d.longValueExact();
    }

    /** A string or an array of strings (absent: empty). */
    List<String> strings(String k) {
        List<String> out = new ArrayList<>();
        if (!has(k)) {
            return out;
        }
        JsonElement e = o.get(k);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            out.add(e.getAsString());
            return out;
        }
        if (!e.isJsonArray()) {
            throw new ApiException(400, k, "'" + k + "' must be a string or an array of strings");
        }
        JsonArray a = e.getAsJsonArray();
        for (int i = 0; i < a.size(); i++) {
            JsonElement x = a.get(i);
            if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) {
                throw new ApiException(400, k, "'" + k + "[" + i + "]' must be a string");
            }
            out.add(x.getAsString());
        }
        return out;
    }

    private JsonPrimitive primitive(String k) {
        JsonElement e = o.get(k);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new ApiException(400, k, "'" + k + "' must be a number");
        }
        return e.getAsJsonPrimitive();
    }

    private Number primitiveNumber(String k) {
        return primitive(k).getAsDouble();
    }
}
