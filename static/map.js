// The map page (templates/map.html): Leaflet over the configured tiles, one overlay per
// GeoJSON layer listed in #map's children, popups built as DOM nodes (names are never parsed
// as HTML). Without JavaScript the page's list says the same.
(function () {
  'use strict';
  var el = document.getElementById('map');
  if (!el || typeof L === 'undefined') { return; }
  el.hidden = false;
  var layers = Array.prototype.slice.call(el.querySelectorAll('.map-layer')).map(function (s) {
    return { url: s.dataset.url, title: s.dataset.title, code: s.dataset.layer };
  });
  el.textContent = '';
  var map = L.map(el, { scrollWheelZoom: false }).setView([46.6, 2.4], 5);
  L.tileLayer(el.dataset.tiles, {
    maxZoom: 18,
    attribution: ''
  }).addTo(map);
  // The attribution is plain text: set it as text, not HTML.
  var credit = document.createElement('span');
  credit.textContent = el.dataset.attribution;
  map.attributionControl.addAttribution(credit.outerHTML);
  var control = L.control.layers(null, null, { collapsed: false }).addTo(map);
  var bounds = L.latLngBounds([]);
  function popup(feature) {
    var box = document.createElement('div');
    var a = document.createElement('a');
    a.href = feature.properties.link;
    a.textContent = feature.properties.name;
    box.appendChild(a);
    if (feature.properties.commune) {
      box.appendChild(document.createElement('br'));
      box.appendChild(document.createTextNode(feature.properties.commune));
    }
    return box;
  }
  // Every layer fetched, then added in the page's order and framed once, without animation.
  Promise.all(layers.map(function (layer) {
    return fetch(layer.url, { headers: { Accept: 'application/geo+json' } })
      .then(function (r) { return r.ok ? r.json() : { type: 'FeatureCollection', features: [] }; })
      .catch(function () { return { type: 'FeatureCollection', features: [] }; });
  })).then(function (all) {
    all.forEach(function (data, i) {
      var layer = layers[i];
      var overlay = L.geoJSON(data, {
        pointToLayer: function (feature, latlng) {
          return L.marker(latlng, { title: feature.properties.name, alt: feature.properties.name });
        },
        onEachFeature: function (feature, marker) { marker.bindPopup(popup(feature)); }
      }).addTo(map);
      overlay.getLayers().forEach(function (m) { m.getElement().classList.add('map-marker-' + layer.code); });
      control.addOverlay(overlay, layer.title);
      if (overlay.getLayers().length) { bounds.extend(overlay.getBounds()); }
      el.dataset[layer.code] = String(overlay.getLayers().length);
    });
    if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 12, padding: [30, 30], animate: false }); }
    el.dataset.ready = 'true';
  });
}());
