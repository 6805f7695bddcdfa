# frozen_string_literal: true

module Plural
  class Client
    # Cluster views and cached queries (docs/server-api.md#status-and-cluster-views, #cached-and-fleet-queries).
    module Cluster
      def get_cluster_view(name)
        Convert.message(call(:get_cluster_view, V1::GetClusterViewRequest.new(name: name)))
      end

      # One page: { views: [...], next_page_token: }.
      def list_cluster_views(page_size: 0, page_token: '')
        request = V1::ListClusterViewsRequest.new(page_size: page_size, page_token: page_token)
        Convert.message(call(:list_cluster_views, request))
      end

      def each_cluster_view(page_size: 0, &block)
        return enum_for(:each_cluster_view, page_size: page_size) unless block

        page_token = ''
        loop do
          page = list_cluster_views(page_size: page_size, page_token: page_token)
          page[:views].each(&block)
          page_token = page[:next_page_token]
          break if page_token.empty?
        end
      end

      # A query on one agent's cache: query_cluster("dev", kind: "pods", namespace: "shop", label_selector: "app=web").
      # timeout_ms: how long the agent has (0: the gateway's default); the call's own deadline is extended to match.
      def query_cluster(name, kind:, namespace: '', label_selector: '', field_selector: '', count_only: false,
                        limit: 0, timeout_ms: 0)
        query = cluster_query(kind, namespace, label_selector, field_selector, count_only, limit)
        request = V1::QueryClusterRequest.new(name: name, query: query, timeout_ms: timeout_ms)
        Convert.message(call(:query_cluster, request, timeout: @timeout + (timeout_ms / 1000.0)))
      end

      # The same query on every connected agent matching agent_selector:
      # { results: [{ name:, result:, elapsed_ms: }], timed_out: [...], failed: [{ name:, code:, message: }] }.
      def query_fleet(kind:, agent_selector: '', namespace: '', label_selector: '', field_selector: '',
                      count_only: false, limit: 0, timeout_ms: 0)
        query = cluster_query(kind, namespace, label_selector, field_selector, count_only, limit)
        request = V1::QueryFleetRequest.new(query: query, agent_selector: agent_selector, timeout_ms: timeout_ms)
        Convert.message(call(:query_fleet, request, timeout: @timeout + (timeout_ms / 1000.0)))
      end

      private

      def cluster_query(kind, namespace, label_selector, field_selector, count_only, limit)
        V1::ClusterQuery.new(kind: kind, namespace: namespace, label_selector: label_selector,
                             field_selector: field_selector, count_only: count_only, limit: limit)
      end
    end
  end
end
