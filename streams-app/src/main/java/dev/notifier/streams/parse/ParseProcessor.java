package dev.notifier.streams.parse;

import dev.notifier.schemas.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Parses each event. A record that cannot be parsed is forwarded as invalid with the reason in
 * headers ({@value #REASON_HEADER}, {@value #MESSAGE_HEADER}), so it lands on the invalid topic
 * and the stream goes on with the next record.
 */
public final class ParseProcessor implements FixedKeyProcessor<String, byte[], ParseResult> {

  public static final String REASON_HEADER = "notifier.error.reason";
  public static final String MESSAGE_HEADER = "notifier.error.message";
  public static final String STAGE_HEADER = "notifier.error.stage";

  private final EventParser parser;
  private FixedKeyProcessorContext<String, ParseResult> context;

  public ParseProcessor(int maxEventBytes) {
    this.parser = new EventParser(maxEventBytes);
  }

  @Override
  public void init(FixedKeyProcessorContext<String, ParseResult> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, byte[]> record) {
    try {
      context.forward(record.withValue(ParseResult.parsed(parser.parse(record.value()))));
    } catch (InvalidRecordException e) {
      record.headers().remove(REASON_HEADER).remove(MESSAGE_HEADER).remove(STAGE_HEADER)
          .add(REASON_HEADER, utf8(e.reason()))
          .add(MESSAGE_HEADER, utf8(e.getMessage()))
          .add(STAGE_HEADER, utf8("parse"));
      context.forward(record.withValue(ParseResult.invalid(record.value(), e.reason(), e.getMessage())));
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
