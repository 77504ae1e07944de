// A second MCP client for `bgrun mcp`, in another ecosystem: the official TypeScript SDK (which validates each
// structured answer against the tool's output schema with Ajv). McpJsIT runs it with node:
//   node client.mjs JAVA JAR PROJECT_FILE
// with BGRUN_HOME set; it drives the project's one job `api` and prints one JSON object of what it saw.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [java, jar, project] = process.argv.slice(2);
const transport = new StdioClientTransport({
  command: java,
  args: ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar, "mcp", "-f", project], // as the launcher
  env: { ...process.env },
  stderr: "inherit",
});
const client = new Client({ name: "bgrun-mcp-js", version: "1.0.0" });
const timeout = { timeout: 120_000 };
await client.connect(transport, timeout);

const call = async (name, args) => {
  const result = await client.callTool({ name, arguments: args }, undefined, timeout);
  if (result.isError) {
    throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  }
  return result.structuredContent;
};

const out = {};
const { tools } = await client.listTools();
out.tools = tools.map((t) => t.name).sort();
out.withSchemas = tools.filter((t) => t.inputSchema?.type === "object" && t.outputSchema?.type === "object").length;

const cursor = (await call("events", { since: "now" })).cursor;
out.up = (await call("up", { timeout: "60s" })).ok;
out.ready = (await call("is_ready", {})).ready;
const first = await call("diff", { job: "api", name: "js" });
await call("send", { job: "api", text: "ping", newline: true });
await call("expect", { job: "api", text: "pong", "from-start": true, timeout: "30s" });
const second = await call("diff", { job: "api", name: "js" });
out.firstDiff = first.lines.map((l) => l.content);
out.secondDiff = second.lines.map((l) => l.content);
out.search = (await call("search", { job: "api", "filter-regex": "p.ng", lines: 5 })).lines.map((l) => l.content);
const events = await call("events", { since: cursor, job: "api" });
out.events = events.events.map((e) => e.type + ":" + (e.to ?? e.message ?? ""));
out.eventsAgain = (await call("events", { since: events.cursor, job: "api" })).events.length;

// run: a command with its words, an environment variable and a tag; then stop by a list of names.
const job = await call("run", { name: "hello", cmd: ["sh", "-c", "echo \"hi $WHO\"; exec sleep 600"], env: ["WHO=js"], tags: ["t1"] });
out.run = { name: job.name, tags: job.tags };
out.hello = (await call("expect", { job: "hello", text: "hi js", "from-start": true, timeout: "30s" })).matched;
out.stopped = (await call("stop", { job: ["hello"] })).stopped.length;

const missing = await client.callTool({ name: "status", arguments: { job: "nope" } }, undefined, timeout);
out.error = { isError: missing.isError, ...JSON.parse(missing.content[0].text).error };
const log = await client.readResource({ uri: "bgrun://jsdemo/api/log" });
out.log = log.contents[0].text;
out.graph = (await client.readResource({ uri: "bgrun://jsdemo/graph" })).contents[0].text;
out.down = (await call("down", {})).stopped.length;
await client.close();
console.log(JSON.stringify(out));
