/* geo_tracker map script: event layers, popups, time filter and place search.
 *
 * The page embeds one JSON payload (see geo_tracker/maps/payload.py). Every
 * piece of report or gazetteer text in it is untrusted: it only ever reaches
 * the page as textContent / text nodes, and a link is made only from an
 * http(s) URL. No innerHTML is given anything but fixed markup from Python.
 */
(function () {
  "use strict";

  var DAY_MS = 86400000;
  var has = Object.prototype.hasOwnProperty;

  function dayLabel(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }

  /* First and last day (since 1970-01-01) that "2021", "2021-02" or "2021-02-08" covers. */
  function period(date) {
    if (!date) return null;
    var parts = date.split("-").map(Number);
    var year = parts[0];
    if (parts.length > 2) {
      var day = Date.UTC(year, parts[1] - 1, parts[2]) / DAY_MS;
      return [day, day];
    }
    if (parts.length > 1) return [Date.UTC(year, parts[1] - 1, 1) / DAY_MS, Date.UTC(year, parts[1], 0) / DAY_MS];
    return [Date.UTC(year, 0, 1) / DAY_MS, Date.UTC(year, 11, 31) / DAY_MS];
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function isHttp(url) {
    return typeof url === "string" && /^https?:\/\/[^\s\u0000-\u001f\u007f]+$/i.test(url);
  }

  function label(text) {
    return el("span", "gt-label", text);
  }

  /* The map pane `name` at `zIndex`, created on first use. */
  function pane(map, name, zIndex) {
    if (!map.getPane(name)) map.createPane(name).style.zIndex = zIndex;
    return name;
  }

  // ------------------------------------------------------------------ popups

  function popupBox(kind, title) {
    var box = el("div", "gt-popup gt-" + kind + "-popup");
    box.appendChild(el("div", "gt-popup-title", title));
    return box;
  }

  function addRows(box, labels, values) {
    Object.keys(labels).forEach(function (key) {
      if (!values || !has.call(values, key)) return;
      var row = el("div", "gt-row");
      row.appendChild(el("b", null, labels[key] + ": "));
      row.appendChild(document.createTextNode(values[key]));
      box.appendChild(row);
    });
  }

  function joinMeta(parts) {
    var meta = el("div", "gt-meta");
    parts.forEach(function (part, i) {
      if (i) meta.appendChild(document.createTextNode(" \u00b7 "));
      // Report text (an outlet's name) is isolated: its bidi controls cannot reorder what follows.
      meta.appendChild(typeof part === "string" ? el("bdi", null, part) : part);
    });
    return meta;
  }

  function addSources(box, data, item) {
    if (item.nc) {
      box.appendChild(el("div", "gt-corroboration",
        "Corroboration: " + item.nc + (item.nc === 1 ? " outlet" : " outlets")));
    }
    if (item.cf && item.cf.length) {
      box.appendChild(el("div", "gt-heading", "Conflicting reports:"));
      var conflicts = el("ul", "gt-conflicts");
      item.cf.forEach(function (text) { conflicts.appendChild(el("li", null, text)); });
      box.appendChild(conflicts);
    }
    var evidence = item.e || [];
    if (!evidence.length) {
      box.appendChild(el("div", "gt-evidence gt-none", "No source sentence recorded."));
      return;
    }
    box.appendChild(el("div", "gt-heading", "Sources:"));
    var list = el("ul", "gt-evidence");
    evidence.forEach(function (pair) {
      var report = data.reports[pair[0]] || [];
      var li = el("li");
      var quote = el("blockquote", null, pair[1]);
      quote.dir = "auto";  // isolated, and right-to-left when the sentence is Arabic
      li.appendChild(quote);
      var parts = [];
      if (report[0]) parts.push(report[0]);
      if (report[1]) parts.push("published " + report[1]);
      if (isHttp(report[2])) {
        var link = el("a", "gt-source-link", "source");
        link.href = report[2];
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        parts.push(link);
      } else if (report[3]) {
        parts.push(el("span", "gt-unlinked", "unlinked URL: " + report[3]));
      }
      if (parts.length) li.appendChild(joinMeta(parts));
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  function sitePopup(layers, rec) {
    var data = layers.data;
    var box = popupBox("site", rec.n);
    addRows(box, data.labels, rec.x);
    addSources(box, data, rec);
    var group = layers.siteGroups[rec.g];
    if (group.length > 1) {
      box.appendChild(el("div", "gt-heading", "Status history:"));
      var history = el("ul", "gt-history");
      group.forEach(function (other) {
        var text = (other.x.d || "undated") + ": " + other.x.s + (other.h ? " (" + other.h + ")" : "");
        history.appendChild(el("li", other === rec ? "gt-current" : null, text));
      });
      box.appendChild(history);
    }
    return box;
  }

  function convoyPopup(data, item) {
    var box = popupBox("convoy", item.title);
    addRows(box, data.labels, item.x);
    addSources(box, data, item);
    return box;
  }

  /* A corridor's popup: its convoys shown, by date, each with its sources. */
  function corridorPopup(data, members) {
    if (members.length === 1) return convoyPopup(data, members[0]);
    var box = popupBox("convoy", members.length + " convoys along this route");
    members.slice().sort(function (a, b) {
      return (a.t ? a.t[0] : -Infinity) - (b.t ? b.t[0] : -Infinity);
    }).forEach(function (item) {
      var part = el("div", "gt-corridor-member");
      part.appendChild(el("div", "gt-heading", (item.x.d || "undated") + ": " + item.n));
      addRows(part, data.labels, item.x);
      addSources(part, data, item);
      box.appendChild(part);
    });
    return box;
  }

  function placePopup(data, item) {
    var box = popupBox("place", item.n);
    addRows(box, data.labels, item.x);
    if (item.m && item.m.length) {
      box.appendChild(el("div", "gt-heading", "Named in:"));
      var list = el("ul", "gt-mentions");
      item.m.forEach(function (line) {
        var li = el("li", null, line[0]);
        var parts = [line[1], line[2], line[3]].filter(function (p) { return p; });
        if (parts.length) li.appendChild(joinMeta(parts));
        list.appendChild(li);
      });
      if (item.more) list.appendChild(el("li", "gt-more", "and " + item.more + " more"));
      box.appendChild(list);
    }
    return box;
  }

  // ----------------------------------------------------------- event layers

  /* Draws sites, convoys, uncertainty circles and places into the folium
   * FeatureGroups of `groups` ({uncertainty, places, sites: {actor: group},
   * convoys: {actor: group}}) and keeps them in step with the time range and
   * with the layer control. */
  function EventLayers(map, data, groups, options) {
    var self = this;
    this.map = map;
    this.data = data;
    this.groups = groups;
    this.options = options || {};
    this.from = data.range ? data.range[0] : null;
    this.to = data.range ? data.range[1] : null;
    this.undated = true;
    this.cluster = !!this.options.cluster;
    this.maxZoom = 16;

    // Fill in what the payload leaves to look-up tables (see payload.py).
    this.siteGroups = [];
    data.sites.forEach(function (rec, i) {
      rec._i = i;
      rec.t = period(rec.x.d);
      rec.c = data.statuses[rec.s][1];
      rec.x.s = data.statuses[rec.s][0];
      rec.x.a = data.actors[rec.a][0];
      (self.siteGroups[rec.g] = self.siteGroups[rec.g] || []).push(rec);
    });
    data.convoys.forEach(function (item) {
      var actor = data.actors[item.a][0];
      var vehicles = item.v !== undefined ? "at least " + item.v : null;
      item.t = period(item.x.d);
      item.x.a = actor;
      item.title = "Convoy: " + (vehicles || "unknown number of") + " vehicles";
      item.n = actor + ": " + (vehicles ? vehicles + " vehicles" : "convoy");
    });
    this.siteMarkers = [];
    this.siteCircles = [];
    this.siteLayer = L.layerGroup().addTo(map);
    this.siteCircleLayer = L.layerGroup().addTo(groups.uncertainty);
    this.convoyCircleLayer = L.layerGroup().addTo(groups.uncertainty);
    this.circleLayers = [];
    this.corridorLayers = [];  // per corridor: {count shown: layer}
    this.corridorShown = data.corridors.map(function () { return null; });
    this.placeLayers = this._places();
    this.townLayer = this._towns();

    var refresh = function () { self.refresh(); };
    Object.keys(groups.sites).forEach(function (key) { groups.sites[key].on("add remove", refresh); });
    Object.keys(groups.convoys).forEach(function (key) {
      groups.convoys[key].on("add remove", function () { self._convoyCircles(); });
    });
    if (this.cluster) map.on("moveend", function () { self._drawSites(); });
    this.refresh();
  }

  EventLayers.prototype = {
    /* Show convoys overlapping [from, to] and each site as of `to`. */
    setRange: function (from, to, undated) {
      this.from = from;
      this.to = to;
      if (undated !== undefined) this.undated = !!undated;
      this.refresh();
    },

    inRange: function (item) {
      if (!item.t) return this.undated;
      if (this.from === null) return true;
      return item.t[1] >= this.from && item.t[0] <= this.to;
    },

    refresh: function () {
      var self = this;
      var data = this.data;
      data.corridors.forEach(function (corridor, k) {
        var group = self.groups.convoys[corridor.a];
        var members = corridor.m.map(function (i) { return data.convoys[i]; }).filter(function (item) {
          return self.inRange(item);
        });
        var old = self.corridorShown[k];
        var layer = members.length ? self._corridor(k, members) : null;
        if (old && old !== layer) group.removeLayer(old);
        if (layer && !group.hasLayer(layer)) group.addLayer(layer);
        self.corridorShown[k] = layer;
      });
      this._convoyCircles();
      this.currentSites = this._currentSites();
      if (this.cluster) {
        this.index = new Supercluster({radius: 60, maxZoom: this.maxZoom}).load(
          this.currentSites.map(function (rec) {
            return {type: "Feature", properties: {i: rec._i},
                    geometry: {type: "Point", coordinates: [rec.p[1], rec.p[0]]}};
          }));
      }
      this._drawSites();
    },

    /* The record in force at the end of the range, per site; undated records
     * stand in when a site has no dated record before it. */
    _currentSites: function () {
      var out = [];
      var to = this.to;
      for (var g = 0; g < this.siteGroups.length; g++) {
        var best = null;
        var undated = null;
        var group = this.siteGroups[g];
        for (var j = 0; j < group.length; j++) {
          var rec = group[j];
          if (!rec.t) undated = rec;
          else if (to === null || rec.t[0] <= to) best = rec;
        }
        var shown = best || (this.undated ? undated : null);
        if (shown && this.map.hasLayer(this.groups.sites[shown.a])) out.push(shown);
      }
      return out;
    },

    _drawSites: function () {
      var self = this;
      this.siteLayer.clearLayers();
      this.siteCircleLayer.clearLayers();
      if (!this.cluster) {
        // Badges at one spot fan out around it instead of stacking.
        var spots = {};
        this.currentSites.forEach(function (rec) {
          var key = rec.p[0] + "," + rec.p[1];
          (spots[key] = spots[key] || []).push(rec);
        });
        Object.keys(spots).forEach(function (key) {
          var recs = spots[key];
          recs.forEach(function (rec, j) { self._showSite(rec, recs.length > 1 ? [j, recs.length] : null); });
        });
        if (this._relayoutTowns) this._relayoutTowns();
        return;
      }
      var bounds = this.map.getBounds().pad(0.25);
      var zoom = Math.round(this.map.getZoom());
      var items = this.index.getClusters(
        [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()], zoom);
      items.forEach(function (feature) {
        if (feature.properties.cluster) self.siteLayer.addLayer(self._clusterMarker(feature));
        else self._showSite(self.data.sites[feature.properties.i]);
      });
      if (this._relayoutTowns) this._relayoutTowns();
    },

    _showSite: function (rec, fan) {
      var i = rec._i;
      var key = i + ":" + (fan ? fan[0] + "/" + fan[1] : "");
      if (!this.siteMarkers[i] || this.siteMarkers[i]._gtKey !== key) {
        this.siteMarkers[i] = this._siteMarker(rec, fan);
        this.siteMarkers[i]._gtKey = key;
      }
      this.siteLayer.addLayer(this.siteMarkers[i]);
      if (rec.R) {
        if (!this.siteCircles[i]) {
          this.siteCircles[i] = L.circle(rec.p, {
            radius: rec.R * 1000, color: rec.c, weight: 1.2, dashArray: "4 4",
            fill: true, fillColor: rec.c, fillOpacity: 0.1, interactive: false,
            className: "gt-site-area"
          });
        }
        this.siteCircleLayer.addLayer(this.siteCircles[i]);
      }
    },

    _siteMarker: function (rec, fan) {
      var self = this;
      var size = this.options.iconSize || 26;
      var dx = 0;
      var dy = 0;
      if (fan) {  // [position, count] on a ring around the spot, one badge apart
        var ring = Math.max(size * 0.75, fan[1] * (size + 2) / (2 * Math.PI));
        var angle = -Math.PI / 2 + 2 * Math.PI * fan[0] / fan[1];
        dx = Math.round(ring * Math.cos(angle));
        dy = Math.round(ring * Math.sin(angle));
      }
      var icon = L.divIcon({
        // Fixed badge markup built in Python from constant tables; never report text.
        html: '<div class="gt-site-marker' + (rec.ap ? " gt-approx" : "") + (fan ? " gt-fanned" : "") + '">' +
          this.data.icons[rec.i] + "</div>",
        className: "gt-site-icon",
        iconSize: [size, size],
        iconAnchor: [size / 2 - dx, size / 2 - dy],
        popupAnchor: [dx, dy - size / 2]
      });
      var marker = L.marker(rec.p, {icon: icon, riseOnHover: true});
      marker.bindTooltip(label(rec.n), {direction: "top", offset: [dx, dy - size / 2]});
      marker.bindPopup(function () { return sitePopup(self, rec); }, {maxWidth: 360});
      return marker;
    },

    _clusterMarker: function (feature) {
      var self = this;
      var count = feature.properties.point_count;
      var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : 48;
      var node = el("div", "gt-cluster");
      node.appendChild(el("span", null, feature.properties.point_count_abbreviated));
      var latlng = [feature.geometry.coordinates[1], feature.geometry.coordinates[0]];
      var marker = L.marker(latlng, {
        icon: L.divIcon({html: node, className: "gt-cluster-icon", iconSize: [size, size]})
      });
      marker.bindTooltip(label(count + " sites: click to zoom in"));
      marker.on("click", function () {
        var id = feature.properties.cluster_id;
        var zoom = self.index.getClusterExpansionZoom(id);
        if (zoom <= self.maxZoom) {
          self.map.setView(latlng, zoom);
          return;
        }
        // Sites at one spot: list them.
        var box = popupBox("cluster", count + " sites here");
        var list = el("ul", "gt-cluster-list");
        self.index.getLeaves(id, 50).forEach(function (leaf) {
          var rec = self.data.sites[leaf.properties.i];
          var item = el("li");
          var link = el("a", null, rec.n + " (" + rec.x.s + ")");
          link.href = "#";
          link.addEventListener("click", function (event) {
            event.preventDefault();
            L.popup({maxWidth: 360}).setLatLng(rec.p).setContent(sitePopup(self, rec)).openOn(self.map);
          });
          item.appendChild(link);
          list.appendChild(item);
        });
        box.appendChild(list);
        L.popup().setLatLng(latlng).setContent(box).openOn(self.map);
      });
      return marker;
    },

    /* The layer of corridor k drawing `members` (its convoys in range), made once per count. */
    _corridor: function (k, members) {
      var cache = this.corridorLayers[k] = this.corridorLayers[k] || {};
      var n = members.length;
      var layer = cache[n];
      if (!layer) layer = cache[n] = this._corridorLayer(this.data.corridors[k], n);
      layer._gtMembers = members;
      return layer;
    },

    _corridorLayer: function (corridor, n) {
      var data = this.data;
      var color = data.actors[corridor.a][1];
      var weight = data.weights[Math.min(n, data.weights.length) - 1] || 3;
      var parts = [];
      var group = L.featureGroup();
      var popup = function () { return corridorPopup(data, group._gtMembers); };
      var tip = function () {
        var members = group._gtMembers;
        return label(members.length === 1 ? members[0].n : members.length + " convoys: " + data.actors[corridor.a][0]);
      };
      function arrows(line, pattern, size) {
        return L.polylineDecorator(line, {
          patterns: [L.extend(pattern, {
            symbol: L.Symbol.arrowHead({
              pixelSize: size, polygon: true,
              pathOptions: {color: "#ffffff", weight: 1.5, fillColor: color, fillOpacity: 1,
                            interactive: false, className: "gt-arrowhead"}
            })
          })]
        });
      }
      if (corridor.l.length > 1) {
        var line = L.polyline(corridor.l, {color: color, weight: weight, opacity: 0.85, className: "gt-route"});
        parts.push(line, arrows(line, {offset: "16%", repeat: "33%"}, 7 + weight));
      } else if (!corridor.s) {  // known at one point only: a dot, no direction
        parts.push(L.circleMarker(corridor.l[0], {radius: 4 + weight, color: "#ffffff", weight: 2, fillColor: color,
                                                  fillOpacity: 0.9, className: "gt-route gt-convoy-point"}));
      }
      // Towards (or from) an end known only as a country or region: a short dashed arrow.
      (corridor.s || []).forEach(function (stub) {
        var line = L.polyline(stub, {color: color, weight: Math.max(2, weight * 0.6), opacity: 0.9,
                                     dashArray: "6 5", className: "gt-route-stub"});
        parts.push(line, arrows(line, {offset: "100%", repeat: 0}, 9 + weight * 0.6));
      });
      parts.forEach(function (part) {
        if (part instanceof L.Path) {
          part.bindPopup(popup, {maxWidth: 380, maxHeight: 420});
          part.bindTooltip(tip, {sticky: true});
        }
        group.addLayer(part);
      });
      return group;
    },

    _convoyCircles: function () {
      var self = this;
      var wanted = {};
      this.data.corridors.forEach(function (corridor, k) {
        var layer = self.corridorShown[k];
        if (!corridor.ci || !layer || !self.map.hasLayer(self.groups.convoys[corridor.a])) return;
        corridor.ci.forEach(function (c) { wanted[c] = true; });
      });
      this.convoyCircleLayer.clearLayers();
      Object.keys(wanted).forEach(function (key) {
        var c = +key;
        if (!self.circleLayers[c]) {
          var spec = self.data.circles[c];
          self.circleLayers[c] = L.circle([spec[0], spec[1]], {
            radius: spec[2], color: spec[3], weight: 1, dashArray: "4 4",
            fill: true, fillColor: spec[3], fillOpacity: 0.06, className: "gt-uncertainty"
          }).bindPopup(function () { return popupBox("uncertainty", spec[4]); });
        }
        self.convoyCircleLayer.addLayer(self.circleLayers[c]);
      });
    },

    /* Town and city names, each from its zoom level on (payload.towns): above the route lines
     * (400) and below place dots (450) and badges (600), set beside the point so a badge on the
     * town leaves its name readable. At every zoom and move (and after the badges are redrawn)
     * the names are laid out again: a name that would overlap a larger town's name or a badge
     * moves to another side of its point, or is hidden when no side is free. */
    _towns: function () {
      var self = this;
      var map = this.map;
      var towns = this.data.towns || [];
      var layer = L.layerGroup().addTo(map);
      var markers = towns.map(function (town) {
        var node = el("span", "gt-town", town[2]);
        var marker = L.marker([town[0], town[1]], {
          icon: L.divIcon({html: node, className: "gt-town-icon", iconSize: null, iconAnchor: [0, 0]}),
          pane: pane(map, "gtTowns", 420), interactive: !!town[3], keyboard: false
        });
        marker._gtNode = node;
        if (town[3]) marker.bindTooltip(label(town[3]), {direction: "top", className: "gt-town-tip"});
        return marker;
      });
      // Larger towns (shown from a lower zoom) claim their space first; the payload lists each
      // zoom level's towns most populous first.
      var order = towns.map(function (town, i) { return i; }).sort(function (a, b) {
        return towns[a][4] - towns[b][4] || a - b;
      });
      function show() {
        var zoom = map.getZoom();
        towns.forEach(function (town, i) {
          var wanted = zoom >= town[4];
          if (wanted !== layer.hasLayer(markers[i])) wanted ? layer.addLayer(markers[i]) : layer.removeLayer(markers[i]);
        });
        self._layoutTowns(markers, order);
      }
      this._relayoutTowns = function () { self._layoutTowns(markers, order); };
      map.on("zoomend moveend", show);
      show();
      return layer;
    },

    /* Place each shown town name (markers, in `order` of precedence) on the first side of its
     * point where it overlaps no name already placed and no badge, or hide it. */
    _layoutTowns: function (markers, order) {
      var map = this.map;
      var origin = map.getContainer().getBoundingClientRect();
      var size = map.getSize();
      var GAP = 5;
      var BADGE = this.options.iconSize || 26;
      var taken = [];
      // Badges and clusters as they are drawn (fanned-out badges included), in container pixels.
      var badges = map.getPane("markerPane").querySelectorAll(".gt-site-marker, .gt-cluster");
      for (var b = 0; b < badges.length; b++) {
        var r = badges[b].getBoundingClientRect();
        if (r.width && r.height) {
          taken.push([r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top]);
        }
      }
      function free(box) {
        for (var t = 0; t < taken.length; t++) {
          var o = taken[t];
          if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) return false;
        }
        return true;
      }
      order.forEach(function (i) {
        var marker = markers[i];
        var node = marker._gtNode;
        if (!marker._map) return;
        var p = map.latLngToContainerPoint(marker.getLatLng());
        if (p.x < -200 || p.y < -50 || p.x > size.x + 200 || p.y > size.y + 50) {
          node.classList.add("gt-town-hidden");  // off screen: laid out when the map moves there
          return;
        }
        if (!node._gtBox || !node._gtBox[2]) {  // where the name sits unshifted, and its size: measured once
          node.style.left = "0px";
          node.style.top = "0px";
          var r = node.getBoundingClientRect();
          node._gtBox = [r.left - origin.left - p.x, r.top - origin.top - p.y, r.width, r.height];
        }
        var w = node._gtBox[2];
        var h = node._gtBox[3];
        // Beside the point, then clear of a badge on it (half a badge away), then above or below.
        var far = BADGE / 2 + 2;
        var sides = [[GAP, -h / 2], [-w - GAP, -h / 2], [far, -h / 2], [-w - far, -h / 2],
                     [-w / 2, -h - far], [-w / 2, far]];
        // Badges fanned out around a busy town ring it: try beyond the ring before hiding its name.
        [2, 3].forEach(function (k) {
          var d = k * BADGE + 2;
          sides.push([d, -h / 2], [-w - d, -h / 2], [-w / 2, -h - d], [-w / 2, d]);
        });
        for (var s = 0; s < sides.length; s++) {
          var box = [p.x + sides[s][0], p.y + sides[s][1], p.x + sides[s][0] + w, p.y + sides[s][1] + h];
          if (free(box)) {
            taken.push(box);
            node.style.left = (sides[s][0] - node._gtBox[0]) + "px";
            node.style.top = (sides[s][1] - node._gtBox[1]) + "px";
            node.classList.remove("gt-town-hidden");
            return;
          }
        }
        node.classList.add("gt-town-hidden");
      });
    },

    _places: function () {
      var data = this.data;
      var options = this.options;
      // Place dots: a canvas above the lines (400), below the site badges (600).
      var renderer = L.canvas({padding: 0.5, pane: pane(this.map, "gtPlaces", 450)});
      return data.places.map(function (item) {
        var dot = L.circleMarker(item.p, {
          renderer: renderer, radius: 3.5,
          color: options.placeColor, weight: 1, fillColor: options.placeFill, fillOpacity: 0.95
        });
        dot.bindTooltip(label(item.n));
        dot.bindPopup(function () { return placePopup(data, item); }, {maxWidth: 340});
        dot.addTo(this.groups.places);
        return dot;
      }, this);
    },

    /* [{n: name, p: [lat, lon], open: function}] for the place search. */
    searchable: function () {
      var self = this;
      var out = [];
      this.siteGroups.forEach(function (group) {
        var rec = group[group.length - 1];  // the latest record's name
        out.push({n: rec.n, p: rec.p, open: function () {
          var current = self.currentSites.filter(function (r) { return r.g === rec.g; })[0];
          var marker = current && self.siteMarkers[current._i];
          if (marker && self.siteLayer.hasLayer(marker)) marker.openPopup();
        }});
      });
      this.data.places.forEach(function (item, i) {
        out.push({n: item.n, p: item.p, open: function () {
          if (self.map.hasLayer(self.groups.places)) self.placeLayers[i].openPopup();
        }});
      });
      return out;
    }
  };

  /* A control (default position `where`) whose box, a `tag` of `className` that keeps clicks
   * and scrolls from the map, fill(box) builds when it is added. */
  function boxControl(options, where, tag, className, fill) {
    var Control = L.Control.extend({
      options: {position: where},
      onAdd: function () {
        var box = el(tag, className);
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        fill(box);
        return box;
      }
    });
    return new Control(options);
  }

  // ------------------------------------------------------------ time filter

  function timeFilter(layers, options) {
    var range = layers.data.range;
    return boxControl(options, "bottomleft", "div", "gt-time", function (box) {
        box.appendChild(el("div", "gt-time-title", "Time range"));
        var inputs = {};
        var labels = {};
        ["from", "to"].forEach(function (which) {
          var row = el("label", "gt-time-row");
          row.appendChild(el("span", "gt-time-caption", which === "from" ? "From" : "To"));
          var input = el("input", "gt-time-" + which);
          input.type = "range";
          input.min = range[0];
          input.max = range[1];
          input.step = 1;
          input.value = which === "from" ? range[0] : range[1];
          input.setAttribute("aria-label", which === "from" ? "Start of the time range" : "End of the time range");
          row.appendChild(input);
          labels[which] = el("span", "gt-time-value", dayLabel(+input.value));
          row.appendChild(labels[which]);
          box.appendChild(row);
          inputs[which] = input;
        });
        var undatedRow = el("label", "gt-time-row gt-time-undated-row");
        var undated = el("input", "gt-time-undated");
        undated.type = "checkbox";
        undated.checked = true;
        undatedRow.appendChild(undated);
        undatedRow.appendChild(document.createTextNode(" show undated items"));
        box.appendChild(undatedRow);
        var note = el("div", "gt-time-note", "Sites show their status as of the end date.");
        box.appendChild(note);

        function update(event) {
          var from = +inputs.from.value;
          var to = +inputs.to.value;
          if (from > to) {
            // Keep the range ordered: the moved thumb pushes the other.
            if (event && event.target === inputs.from) inputs.to.value = to = from;
            else inputs.from.value = from = to;
          }
          labels.from.textContent = dayLabel(from);
          labels.to.textContent = dayLabel(to);
          layers.setRange(from, to, undated.checked);
        }
        inputs.from.addEventListener("input", update);
        inputs.to.addEventListener("input", update);
        undated.addEventListener("change", update);
    });
  }

  // -------------------------------------------------------- unplaced panel

  var UNPLACED_SECTIONS = [
    ["route", "Routes with no precise point"],
    ["region", "Sites placed only by region"]
  ];

  /* A button that fits the map to a region ([name, lat, lon, km]) and opens the region's popup:
   * every site of the panel placed only by that region, by name (text only, never HTML). */
  function regionButton(layers, region) {
    var button = el("button", "gt-region-show", "Show " + region[0]);
    button.type = "button";
    L.DomEvent.on(button, "click", function () {
      var map = layers.map;
      var centre = L.latLng(region[1], region[2]);
      map.fitBounds(centre.toBounds(Math.max(region[3], 10) * 2000));
      var box = el("div", "gt-region-popup");
      box.appendChild(el("div", "gt-popup-title", region[0] + ": sites placed only by this region"));
      var list = el("ul");
      layers.data.unplaced.forEach(function (other) {
        if (other.r && other.r[0] === region[0]) list.appendChild(el("li", null, other.n));
      });
      box.appendChild(list);
      L.popup({maxWidth: 320}).setLatLng(centre).setContent(box).openOn(map);
    });
    return button;
  }

  /* A folded panel listing what the map cannot place, with sentences and sources. */
  function unplacedPanel(layers, options) {
    var data = layers.data;
    return boxControl(options, "topright", "details", "gt-unplaced", function (box) {
        box.appendChild(el("summary", null, "Not on the map (" + data.unplaced.length + ")"));
        var body = el("div", "gt-unplaced-body");
        body.appendChild(el("div", "gt-legend-note",
          "Known only as a country or region: listed here, not drawn as a point."));
        UNPLACED_SECTIONS.forEach(function (section) {
          var items = data.unplaced.filter(function (item) { return item.w === section[0]; });
          if (!items.length) return;
          var part = el("details", "gt-unplaced-" + section[0]);
          part.appendChild(el("summary", null, section[1] + " (" + items.length + ")"));
          items.forEach(function (item) {
            var entry = el("div", "gt-unplaced-item");
            entry.appendChild(el("div", "gt-popup-title", item.n));
            addRows(entry, data.labels, item.x);
            addSources(entry, data, item);
            if (item.r) entry.appendChild(regionButton(layers, item.r));
            part.appendChild(entry);
          });
          body.appendChild(part);
        });
        box.appendChild(body);
    });
  }

  // ----------------------------------------------------------- place search

  function placeSearch(layers, options) {
    var records = null;  // built on the first search, not at page load
    function allRecords() {
      if (records) return records;
      records = {};
      layers.searchable().forEach(function (entry) {
        if (has.call(records, entry.n)) return;
        var latlng = L.latLng(entry.p[0], entry.p[1]);
        latlng.gtOpen = entry.open;
        records[entry.n] = latlng;
      });
      return records;
    }
    return new L.Control.Search(L.extend({
      position: "topleft",
      initial: false,
      marker: false,
      zoom: 10,
      textPlaceholder: "Search places\u2026",
      sourceData: function (text, callback) {
        callback(allRecords());
        return {abort: function () {}};
      },
      formatData: function (json) { return json; },
      buildTip: function (text) { return el("a", "gt-search-tip", text); },
      moveToLocation: function (latlng, title, map) {
        map.setView(latlng, Math.max(map.getZoom(), 10));
        if (latlng.gtOpen) latlng.gtOpen();
      }
    }, options || {}));
  }

  /* Country outlines of the world (TopoJSON `world`, Natural Earth 1:50m) and first-level region
   * outlines (GeoJSON `regions`, level 1 features). With options.land the countries are filled:
   * the background of a map without tiles. With options.fallback, the outlines turn into that
   * background, and show, by themselves as soon as tiles fail to load before any has loaded. */
  function outlines(map, regions, world, options) {
    options = options || {};
    var paneName = pane(map, "gtOutlines", 250);  // above tiles (200), below every event (400+)
    var countries = L.geoJSON(topojson.feature(world, world.objects.countries), {
      pane: paneName, className: "gt-outline", interactive: false,
      style: function () {
        return {color: "#4f4f4f", weight: 1.2, fill: !!options.land, fillColor: "#f3f0e8", fillOpacity: 1};
      }
    });
    var admin = L.geoJSON({type: "FeatureCollection", features: regions.features.filter(function (f) {
      return f.properties.level === 1;
    })}, {
      pane: paneName, className: "gt-outline gt-region", interactive: false,
      style: function () { return {color: "#8a8a8a", weight: 0.7, dashArray: "3 3", fill: false}; }
    });
    var group = L.featureGroup([countries, admin], {attribution: options.attribution});
    if (options.fallback) {
      var loaded = false;
      var failed = 0;
      var fallen = false;
      var fallBack = function () {
        if (fallen) return;
        fallen = true;
        map.getContainer().classList.add("gt-no-tiles");
        countries.setStyle({fill: true});
        if (!map.hasLayer(group)) group.addTo(map);
      };
      var watch = function (layer) {
        if (!(layer instanceof L.TileLayer) || layer._gtWatched) return;
        layer._gtWatched = true;
        layer.on("tileload", function () { loaded = true; });
        layer.on("tileerror", function () {
          failed += 1;
          if (!loaded && failed >= 2) fallBack();
        });
      };
      map.eachLayer(watch);
      map.on("layeradd", function (event) { watch(event.layer); });
      if (!navigator.onLine) fallBack();
    }
    return group;
  }

  /* The JSON payload embedded (zlib, base64) in the element with this id. */
  function readPayload(id) {
    var binary = atob(document.getElementById(id).textContent.trim());
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return JSON.parse(new TextDecoder().decode(fflate.unzlibSync(bytes)));
  }

  var api = {
    instances: [],
    readPayload: readPayload,
    outlines: outlines,
    eventLayers: function (map, data, groups, options) {
      var layers = new EventLayers(map, data, groups, options);
      api.instances.push(layers);
      return layers;
    },
    timeFilter: timeFilter,
    unplacedPanel: unplacedPanel,
    placeSearch: placeSearch,
    dayLabel: dayLabel,
    period: period
  };
  window.geoTracker = api;
})();
