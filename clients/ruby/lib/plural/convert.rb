# frozen_string_literal: true

require 'google/protobuf'
require 'google/protobuf/duration_pb'
require 'google/protobuf/timestamp_pb'

module Plural
  # Turns protobuf answers into plain Ruby: messages become hashes with symbol keys (field names as in the proto),
  # maps become hashes with string keys (labels are data), repeated fields arrays, timestamps UTC Times (nil when
  # unset), durations Float seconds, enums symbols. Requests go the other way for durations.
  module Convert
    module_function

    def message(msg)
      case msg
      when nil then nil
      when Google::Protobuf::Timestamp then Time.at(msg.seconds, msg.nanos, :nsec).utc
      when Google::Protobuf::Duration then msg.seconds + (msg.nanos / 1e9)
      else
        msg.class.descriptor.each_with_object({}) { |field, hash| hash[field.name.to_sym] = value(msg[field.name]) }
      end
    end

    def value(value)
      case value
      when Google::Protobuf::Map then value.each_with_object({}) { |(k, v), hash| hash[k] = value(v) }
      when Google::Protobuf::RepeatedField then value.map { |v| value(v) }
      when Google::Protobuf::MessageExts then message(value)
      else value
      end
    end

    # Seconds (Integer or Float) to a Duration; nil stays unset.
    def duration(seconds)
      return nil if seconds.nil?

      whole = seconds.floor
      Google::Protobuf::Duration.new(seconds: whole, nanos: ((seconds - whole) * 1e9).round)
    end

    def labels(hash)
      (hash || {}).to_h { |k, v| [k.to_s, v.to_s] }
    end
  end
end
