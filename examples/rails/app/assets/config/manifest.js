//= link application.js
//= link application.css
