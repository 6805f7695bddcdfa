# frozen_string_literal: true

module Plural
  class Client
    # Following an agent's cluster events (docs/server-api.md#cluster-events).
    module ClusterEvents
      # Statuses after which a watch is opened again from the last position seen: the gateway went away or restarted,
      # the connection dropped, or the server ended the call.
      RESUMABLE = [Unavailable, Unknown, Internal, Cancelled, DeadlineExceeded, Aborted].freeze

      # Yields each cluster event of the agent (a hash, see ClusterEventInfo) once, in position order, forever or
      # until the block breaks. after: the position of the last event already seen (0: start with the next event).
      # A dropped stream is opened again after the last position yielded, so nothing is repeated and, as long as
      # the platform still keeps the events, nothing is lost. max_reconnects: consecutive failed attempts before
      # the last error is raised (nil: never give up). Other errors (NotFound, Unauthenticated...) are raised.
      # on_gap is called with (last position seen, next position) when the platform no longer kept the events in
      # between (more than 1000 passed, or the log's silo was lost; the server says so with a gap message, and a
      # jump in positions tells the same): re-read the state before carrying on.
      # Without a block, an Enumerator.
      def each_cluster_event(name, after: 0, max_reconnects: nil, on_gap: nil, &block)
        unless block
          return enum_for(:each_cluster_event, name, after: after, max_reconnects: max_reconnects, on_gap: on_gap)
        end

        position = after
        failures = 0
        loop do
          position, received, error = follow(name, position, on_gap, &block)
          failures = received ? 1 : failures + 1
          raise error if error && max_reconnects && failures > max_reconnects

          sleep(backoff(failures))
        end
      end
      alias watch_cluster_events each_cluster_event

      private

      # One stream from position until it ends; returns the new position, whether any event arrived, and the
      # resumable error that ended it (nil when the server closed it).
      def follow(name, position, on_gap)
        request = V1::WatchClusterEventsRequest.new(name: name, after_position: position)
        op = @stub.watch_cluster_events(request, metadata: metadata, return_op: true)
        received = false
        begin
          op.execute.each do |event|
            received = true
            if event.gap
              # The platform says events may be missing up to event.position: no event to yield, a gap to report.
              on_gap&.call(position, event.position) if event.position > position
              position = [position, event.position].max
              next
            end

            # The server starts after `position`; this guards against a replay overlapping what was yielded.
            next if event.position <= position

            on_gap&.call(position, event.position) if position.positive? && event.position > position + 1
            position = event.position
            yield Convert.message(event)
          end
          [position, received, nil]
        rescue GRPC::BadStatus => e
          error = Errors.from(e)
          raise error unless RESUMABLE.any? { |type| error.is_a?(type) }

          [position, received, error]
        ensure
          cancel(op)
        end
      end

      def cancel(op)
        op.cancel
      rescue StandardError
        nil
      end
    end
  end
end
