package dev.bgrun.cli.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worked examples of {@code bgrun examples}, read from one resource, {@code examples.md}: each example is a
 * {@code ## NAME: TITLE} section of markdown. Its fenced blocks are what it does: a {@code sh} block holds
 * commands, and a block whose info string names a file ({@code toml bgrun.toml}) is that file's content.
 */
public final class Catalogue {
    static final String RESOURCE = "examples.md";

    /** One example: its markdown text, the commands of its sh blocks and the files of its named blocks. */
    public record Example(String name, String title, String text, List<String> commands, List<Map<String, Object>> files) {
        Map<String, Object> summary() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("title", title);
            return m;
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = summary();
            m.put("files", files);
            m.put("commands", commands);
            m.put("text", text);
            return m;
        }
    }

    private Catalogue() {
    }

    /** Every example, in the order of the file. */
    public static List<Example> all() {
        return parse(Resources.text(RESOURCE));
    }

    static List<Example> parse(String markdown) {
        List<Example> examples = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        int i = 0;
        while (i < lines.length && !lines[i].startsWith("## ")) {
            i++; // the file's own introduction
        }
        while (i < lines.length) {
            String heading = lines[i].substring(3);
            int colon = heading.indexOf(':');
            if (colon < 0) {
                throw new IllegalStateException(RESOURCE + ": heading without \"NAME: TITLE\": " + lines[i]);
            }
            List<String> body = new ArrayList<>();
            i++;
            while (i < lines.length && !lines[i].startsWith("## ")) {
                body.add(lines[i++]);
            }
            examples.add(example(heading.substring(0, colon).strip(), heading.substring(colon + 1).strip(), body));
        }
        return examples;
    }

    private static Example example(String name, String title, List<String> body) {
        List<String> commands = new ArrayList<>();
        List<Map<String, Object>> files = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) {
            String line = body.get(i);
            if (!line.startsWith("```") || line.length() == 3) {
                continue;
            }
            String[] info = line.substring(3).strip().split("\\s+");
            StringBuilder content = new StringBuilder();
            for (i++; i < body.size() && !body.get(i).startsWith("```"); i++) {
                content.append(body.get(i)).append('\n');
            }
            if (info.length > 1) {
                Map<String, Object> file = new LinkedHashMap<>();
                file.put("path", info[1]);
                file.put("content", content.toString());
                files.add(file);
            } else if (info[0].equals("sh")) {
                content.toString().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).forEach(commands::add);
            }
        }
        return new Example(name, title, String.join("\n", body).strip() + "\n", List.copyOf(commands), List.copyOf(files));
    }

    /** Reads a text resource of this package. */
    static final class Resources {
        private Resources() {
        }

        static String text(String name) {
            try (InputStream in = Catalogue.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + name + " is missing from the jar");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
