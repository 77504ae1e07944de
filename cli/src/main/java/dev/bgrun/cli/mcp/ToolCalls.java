package dev.bgrun.cli.mcp;

import dev.bgrun.cli.Output;
import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import dev.bgrun.orchestrator.json.Json;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place a tool call becomes a bgrun call: its arguments become the command line, the command runs in
 * this JVM with {@code --json} (and the server's {@code -f}), and its JSON becomes the answer. A non-zero exit is
 * a tool error ({@code isError}): with the command's document when it printed one (a stack that did not come
 * up, a wait that ended unready), else with bgrun's error envelope (type, message, hint).
 */
final class ToolCalls {
    private final Path projectFile;

    /** {@code projectFile}: the file every call names with -f, or null to find it from the working directory. */
    ToolCalls(Path projectFile) {
        this.projectFile = projectFile;
    }

    /** Runs {@code bgrun COMMAND WORDS --json [-f FILE]}. */
    CliCall run(List<String> command, List<String> words) {
        List<String> args = new ArrayList<>(command);
        args.add("--json");
        if (projectFile != null) {
            args.add("-f");
            args.add(projectFile.toString());
        }
        args.addAll(words);
        return CliCall.run(args);
    }

    CallToolResult call(ToolSpec tool, ToolSchemas schemas, Map<String, Object> arguments) {
        try {
            List<String> words = new ArrayList<>(tool.fixed());
            words.addAll(ToolArguments.words(tool.name(), schemas.arguments(), arguments));
            for (String required : tool.require()) {
                if (arguments == null || arguments.get(required) == null) {
                    throw new BgrunException(ErrorType.UsageError, "tool " + tool.name() + " needs the argument \""
                            + required + "\"", "see the tool's input schema");
                }
            }
            return answer(tool, run(tool.command(), words));
        } catch (BgrunException e) {
            return failure(Output.envelope(e));
        } catch (RuntimeException e) {
            return failure(Output.envelope(new BgrunException(ErrorType.Internal, "internal error: " + e,
                    "this is a bug in bgrun; please report it with the tool call that caused it", Map.of(), e)));
        }
    }

    private static CallToolResult answer(ToolSpec tool, CliCall call) {
        boolean failed = call.exitCode() != 0;
        if (tool.listKey() != null) {
            if (failed) {
                return failure(call);
            }
            Map<String, Object> gathered = new LinkedHashMap<>();
            List<Map<String, Object>> lines = call.lines();
            if ("events".equals(tool.listKey())) {
                gathered.put("cursor", lines.removeLast().get("cursor")); // the closing {"cursor":"N"}
            }
            gathered.put(tool.listKey(), lines);
            return success(gathered, Json.write(gathered), false);
        }
        Map<String, Object> document = call.document();
        return document == null ? failure(call) : success(document, call.stdout().strip(), failed);
    }

    static CallToolResult success(Map<String, Object> document, String text, boolean isError) {
        return CallToolResult.builder().structuredContent(document).addTextContent(text).isError(isError).build();
    }

    /** A tool error with the envelope bgrun printed (one is made when it printed none). */
    static CallToolResult failure(CliCall call) {
        Map<String, Object> envelope = call.error();
        if (envelope == null) {
            envelope = Output.envelope(new BgrunException(ErrorType.Internal, "the command exited " + call.exitCode()
                    + " without a JSON answer: " + call.stderr().strip(), "this is a bug in bgrun; please report it"));
        }
        return failure(envelope);
    }

    static CallToolResult failure(Map<String, Object> envelope) {
        return CallToolResult.builder().addTextContent(Json.write(envelope)).isError(true).build();
    }
}
