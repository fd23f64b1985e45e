package de.datenhafen.core.camel;

import com.fasterxml.jackson.core.JsonProcessingException;
import de.datenhafen.api.BusEvent;
import de.datenhafen.api.BusPublisher;
import de.datenhafen.api.InvalidInputException;
import de.datenhafen.core.bus.AppendResult;
import de.datenhafen.core.bus.EventLog;
import de.datenhafen.core.bus.NewEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * An integration's {@link BusPublisher}: each call looks up the integration's owner (so a stopped integration's
 * publisher refuses), turns the batch into the bus's events and appends it. {@link #publish} waits for the commit;
 * {@link #publishAsync} holds no thread while the commit is pending and completes its stage on the plugin's
 * completion thread, never on the log's writer: a plugin's dependent stages must not slow every commit of the hub.
 */
final class IntegrationPublisher implements BusPublisher {

    private final String integration;
    private final EventLog log;
    private final Function<String, RouteOwner> owners;
    private final Function<String, Executor> completions;

    /** {@code completions} gives the executor that completes a plugin's stages, by plugin id. */
    IntegrationPublisher(String integration, EventLog log, Function<String, RouteOwner> owners,
                         Function<String, Executor> completions) {
        this.integration = integration;
        this.log = log;
        this.owners = owners;
        this.completions = completions;
    }

    @Override
    public Published publish(String type, List<BusEvent> events) {
        try {
            return published(append(owners.apply(integration), type, events).join());
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    @Override
    public CompletionStage<Published> publishAsync(String type, List<BusEvent> events) {
        CompletableFuture<List<AppendResult>> appended;
        Executor executor;
        try {
            RouteOwner owner = owners.apply(integration); // looked up once: the integration may stop meanwhile
            appended = append(owner, type, events);
            executor = completions.apply(owner.pluginId());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // A fresh future completed by hand: its stages see the append's own exception, not a CompletionException.
        CompletableFuture<Published> out = new CompletableFuture<>();
        BiConsumer<List<AppendResult>, Throwable> complete = (results, error) -> {
            if (error != null) {
                out.completeExceptionally(error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error);
            } else {
                out.complete(published(results));
            }
        };
        if (appended.isDone()) { // empty, or refused at once (queue full, closing, invalid): on the calling thread
            appended.whenComplete(complete);
        } else { // the writer only hands the result over
            appended.whenCompleteAsync(complete, executor);
        }
        return out;
    }

    /** Appends the batch after the checks {@code publish} documents; the future completes at the commit. */
    private CompletableFuture<List<AppendResult>> append(RouteOwner owner, String type, List<BusEvent> events) {
        List<NewEvent> batch = batch(owner, type, events);
        return batch.isEmpty() ? CompletableFuture.completedFuture(List.of()) : log.append(batch);
    }

    /** The batch as the bus stores it, after the checks {@code publish} documents. */
    private List<NewEvent> batch(RouteOwner owner, String type, List<BusEvent> events) {
        if (owner == null) {
            throw new IllegalStateException("integration " + integration + " is not running: its publisher "
                + "works while its routes run");
        }
        if (type == null || type.isBlank() || type.contains("*") || type.contains(",")) {
            throw new IllegalArgumentException("publish needs one event type, not '" + type + "'");
        }
        if (events.isEmpty()) {
            return List.of();
        }
        try {
            return BusProducer.batch(owner, type, events);
        } catch (JsonProcessingException e) {
            throw new InvalidInputException("an event's data cannot be written as JSON: " + e.getOriginalMessage(),
                "data");
        }
    }

    private static Published published(List<AppendResult> results) {
        return new Published(results.stream().map(AppendResult::sequence).toList(),
            (int) results.stream().filter(AppendResult::duplicate).count());
    }
}
