package io.rms.service.web;

import io.rms.api.BatchPrepareRequest;
import io.rms.api.BatchResult;
import io.rms.api.MessageIdsRequest;
import io.rms.api.MessagePage;
import io.rms.api.MessageStatus;
import io.rms.api.MessageView;
import io.rms.api.PrepareMessageRequest;
import io.rms.service.message.MessageCommands;
import io.rms.service.message.MessageCommands.Answer;
import io.rms.service.message.MessageQueries;
import io.rms.service.message.MessageQueries.ListFilter;
import io.rms.service.registry.AppInfo;
import jakarta.validation.Valid;
import java.time.Instant;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The producer's calls: prepare, confirm, cancel, send, batches, get and list. */
@RestController
@RequestMapping("/api/v1/messages")
class MessageController {
  private final MessageCommands commands;
  private final MessageQueries queries;

  MessageController(MessageCommands commands, MessageQueries queries) {
    this.commands = commands;
    this.queries = queries;
  }

  @ProducerCall
  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<MessageView> prepare(
      @AuthenticationPrincipal AppInfo app,
      @RequestBody PrepareMessageRequest request,
      @RequestHeader(name = TraceHeaders.TRACEPARENT, required = false) String traceparent,
      @RequestHeader(name = TraceHeaders.TRACESTATE, required = false) String tracestate) {
    // validated once, by MessageFactory (which also validates batch items)
    return respond(commands.prepare(app, TraceHeaders.apply(request, traceparent, tracestate)));
  }

  @PostMapping("/{id}/confirm")
  MessageView confirm(@AuthenticationPrincipal AppInfo app, @PathVariable UUID id) {
    return commands.confirm(app, id).message();
  }

  @PostMapping("/{id}/cancel")
  MessageView cancel(@AuthenticationPrincipal AppInfo app, @PathVariable UUID id) {
    return commands.cancel(app, id).message();
  }

  @ProducerCall
  @PostMapping(path = "/send", consumes = MediaType.APPLICATION_JSON_VALUE)
  ResponseEntity<MessageView> send(
      @AuthenticationPrincipal AppInfo app,
      @RequestBody PrepareMessageRequest request,
      @RequestHeader(name = TraceHeaders.TRACEPARENT, required = false) String traceparent,
      @RequestHeader(name = TraceHeaders.TRACESTATE, required = false) String tracestate) {
    return respond(commands.send(app, TraceHeaders.apply(request, traceparent, tracestate)));
  }

  @ProducerCall
  @PostMapping(path = "/batch/prepare", consumes = MediaType.APPLICATION_JSON_VALUE)
  BatchResult batchPrepare(
      @AuthenticationPrincipal AppInfo app,
      @Valid @RequestBody BatchPrepareRequest request,
      @RequestHeader(name = TraceHeaders.TRACEPARENT, required = false) String traceparent,
      @RequestHeader(name = TraceHeaders.TRACESTATE, required = false) String tracestate) {
    return commands.batchPrepare(
        app, TraceHeaders.applyAll(request.items(), traceparent, tracestate));
  }

  @PostMapping("/batch/confirm")
  BatchResult batchConfirm(
      @AuthenticationPrincipal AppInfo app, @Valid @RequestBody MessageIdsRequest request) {
    return commands.batchConfirm(app, request.messageIds());
  }

  @PostMapping("/batch/cancel")
  BatchResult batchCancel(
      @AuthenticationPrincipal AppInfo app, @Valid @RequestBody MessageIdsRequest request) {
    return commands.batchCancel(app, request.messageIds());
  }

  @GetMapping("/{id}")
  MessageView get(@AuthenticationPrincipal AppInfo app, @PathVariable UUID id) {
    return queries.get(app.id(), id);
  }

  @GetMapping
  MessagePage list(
      @AuthenticationPrincipal AppInfo app,
      @RequestParam(required = false) MessageStatus status,
      @RequestParam(required = false) String topic,
      @RequestParam(required = false) String businessKey,
      @RequestParam(required = false) String producerMessageId,
      @RequestParam(required = false) Instant createdFrom,
      @RequestParam(required = false) Instant createdTo,
      @RequestParam(required = false) String cursor,
      @RequestParam(required = false) Integer limit) {
    return queries.list(
        app.id(),
        new ListFilter(
            status, topic, businessKey, producerMessageId, createdFrom, createdTo, cursor, limit));
  }

  private static ResponseEntity<MessageView> respond(Answer answer) {
    return ResponseEntity.status(answer.created() ? HttpStatus.CREATED : HttpStatus.OK)
        .body(answer.message());
  }
}
