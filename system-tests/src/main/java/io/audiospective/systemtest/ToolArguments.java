package io.audiospective.systemtest;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code name=value} arguments of a tool's command line ({@code deploy/*-benchmark.sh users=9000 ...}). */
final class ToolArguments {

    private ToolArguments() {}

    static Map<String, String> parse(String[] args) {
        Map<String, String> arguments = new LinkedHashMap<>();
        for (String arg : args) {
            String[] pair = arg.split("=", 2);
            arguments.put(pair[0], pair.length > 1 ? pair[1] : "");
        }
        return arguments;
    }
}
