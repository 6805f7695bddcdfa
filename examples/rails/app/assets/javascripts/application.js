// The ActionCable client is the `action_cable` asset that ruby-actioncable ships (the same code as the npm package
// @rails/actioncable, version matched to Rails): Sprockets serves it with no node build step.
//= require action_cable
//= require cluster_events
