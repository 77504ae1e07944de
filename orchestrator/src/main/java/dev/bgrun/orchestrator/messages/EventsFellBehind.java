package dev.bgrun.orchestrator.messages;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.bgrun.orchestrator.messages.Shape.Min;
import dev.bgrun.orchestrator.messages.Shape.Tagged;

/** The last item of an events follow whose client fell further behind than the event log keeps in memory. */
@Tagged("fell_behind")
public record EventsFellBehind(String type,
                               @JsonPropertyDescription("the cursor of the last event sent: resume with --since CURSOR") String cursor,
                               @JsonPropertyDescription("how many events the daemon keeps in memory for followers") @Min(1) int kept) {
    public EventsFellBehind(String cursor, int kept) {
        this("fell_behind", cursor, kept);
    }
}
