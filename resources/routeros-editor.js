// Editor code shared by the edit dialogs of routeros-command, routeros-listen and routeros-cancel.
//
// Node-RED (1.3 and later) serves a pack's top-level resources/ folder to the editor, so this
// file is at resources/@routeros-flows/node-red-routeros-api/routeros-editor.js, relative to the
// editor's URL (which keeps it working under any httpAdminRoot). nodes/routeros-command.html
// and nodes/routeros-listen.html load it with
//   <script src="resources/@routeros-flows/node-red-routeros-api/routeros-editor.js"></script>
// and the editor runs it before their inline scripts. Each node set loads it, so it runs once
// per set: the first run defines window.RouterOSEditor and later runs keep that object.
//
// Nothing here knows which node it works for: whatever shows text takes a `t(key, opts)` made by
// translator(type), so every dialog reads its own node's message catalog; element classes are
// built from the caller's classPrefix ("routeros-command" gives .routeros-command-attr-name).
//
// API (window.RouterOSEditor):
//   VALUE_TYPES                          the typedInput types an attribute value may have
//   asText(value)                        "" for undefined/null, else String(value)
//   translator(type)                     t(key, opts) reading <type>.<key> from type's catalog
//   validator(t, check)                  a Node-RED property validator from check(value), which
//                                        returns null when valid or an "errors.*" catalog key
//   checkCommand(value)                  null or the error key for a command property: empty, or
//                                        what the runtime takes (src/client/command.ts
//                                        normaliseCommand), such as /ip/address/print or
//                                        "/ip address print"
//   checkAttributes(list)                null or the error key for an attributes property
//   checkQueries(list)                   null or the error key for a queries property
//   checkProplist(value)                 null or the error key for a proplist property
//   setupPresets(select, commandInput, presets, { t, onPick(preset) })
//                                        fills the preset <select> with presets ({ id, command })
//                                        and keeps it and the command field in step
//   setupAttributeList(list, attributes, { t, classPrefix, completion })
//   readAttributeList(list, { classPrefix })  -> [{ name, value, type }]
//   setupQueryList(list, queries, { t, classPrefix })
//   readQueryList(list, { classPrefix })      -> ["?…", …]
//   attachCommandCompletion(input, hint, getConnectionId, t) -> completion handle
//                                        offers menus and commands below a typed menu path,
//                                        asked of routeros-api/inspect (/console/inspect)
//   attachArgumentCompletion(completion, input)
//                                        offers the arguments of the command in the command field
//   detachCompletion(completion)         ends a completion (null is fine); returns null
//   splitTyped(text)                     "/ip/add" -> { parent: ["ip"], prefix: "add" } or null
//   targetDefaults(t)                    the defaults that choose one connection or a fleet:
//                                        targetType, connection, fleet, routers
//   setupTarget(classPrefix, targetType) shows the connection row (#<prefix>-connection-row) or
//                                        the fleet rows (.<prefix>-fleet-row) for the chosen target
//   isFleetTarget()                      whether the open dialog runs on a fleet
(function () {
  'use strict';

  if (window.RouterOSEditor) {
    return;
  }

  var MODULE = '@routeros-flows/node-red-routeros-api';
  var VALUE_TYPES = ['str', 'num', 'bool', 'msg', 'flow', 'global', 'env', 'jsonata'];

  function asText(v) {
    return v === undefined || v === null ? '' : String(v);
  }

  function translator(type) {
    var prefix = MODULE + '/' + type + ':' + type + '.';
    return function (key, opts) {
      return RED._(prefix + key, opts);
    };
  }

  // Validators return true when valid. On Node-RED >= 3.1 (which passes `opt`) they return a
  // message on failure; on older releases plain false. The editor treats a validator that
  // declares two parameters as one that may return a message, so keep (v, opt).
  function validator(t, check) {
    return function (v, opt) {
      var problem = check(v);
      if (!problem) {
        return true;
      }
      return opt ? t(problem) : false;
    };
  }

  // The runtime's rule (normaliseCommand in src/client/command.ts): trimmed, a "/" and then menu
  // words of letters, digits, "_", "." or "-", separated by "/" or whitespace ("/ip address print"
  // is /ip/address/print). Empty is fine: the node then takes msg.command.
  var COMMAND_WORD = /^[A-Za-z0-9_.-]+$/;

  function checkCommand(value) {
    var s = asText(value).trim();
    if (s === '') {
      return null;
    }
    if (s.charAt(0) !== '/') {
      return 'errors.command';
    }
    var words = s.slice(1).split(/[\s/]+/);
    for (var i = 0; i < words.length; i++) {
      if (!COMMAND_WORD.test(words[i])) {
        return 'errors.command';
      }
    }
    return null;
  }

  function checkAttributes(list) {
    if (list === undefined || list === null || list === '') {
      return null;
    }
    if (!Array.isArray(list)) {
      return 'errors.attributes';
    }
    for (var i = 0; i < list.length; i++) {
      var a = list[i];
      if (!a || typeof a !== 'object' || !/^[^\s=]+$/.test(asText(a.name))) {
        return 'errors.attributeName';
      }
      var type = a.type || 'str';
      if (VALUE_TYPES.indexOf(type) === -1) {
        return 'errors.attributeType';
      }
      if (type === 'num') {
        var s = asText(a.value).trim();
        if (s === '' || isNaN(Number(s))) {
          return 'errors.attributeNumber';
        }
      } else if (type === 'jsonata' && typeof jsonata === 'function') {
        try {
          jsonata(asText(a.value));
        } catch (err) {
          return 'errors.attributeJsonata';
        }
      }
    }
    return null;
  }

  function checkQueries(list) {
    if (list === undefined || list === null || list === '') {
      return null;
    }
    if (!Array.isArray(list)) {
      return 'errors.queries';
    }
    for (var i = 0; i < list.length; i++) {
      if (!/^\?\S/.test(asText(list[i]))) {
        return 'errors.queries';
      }
    }
    return null;
  }

  function checkProplist(value) {
    var s = asText(value).trim();
    return s === '' || /^[^\s,=]+(\s*,\s*[^\s,=]+)*$/.test(s) ? null : 'errors.proplist';
  }

  // --- presets -----------------------------------------------------------------------------

  function findPreset(presets, key, value) {
    for (var i = 0; i < presets.length; i++) {
      if (presets[i][key] === value) {
        return presets[i];
      }
    }
    return null;
  }

  function setupPresets(select, commandInput, presets, options) {
    var t = options.t;
    presets.forEach(function (p) {
      $('<option></option>')
        .val(p.id)
        .text(t('presets.' + p.id))
        .appendTo(select);
    });
    function syncPreset() {
      var p = findPreset(presets, 'command', asText(commandInput.val()).trim());
      select.val(p ? p.id : 'custom');
    }
    select.on('change', function () {
      var p = findPreset(presets, 'id', select.val());
      if (!p) {
        return; // "Custom" leaves the command alone
      }
      commandInput.val(p.command).trigger('change');
      if (options.onPick) {
        options.onPick(p);
      }
    });
    commandInput.on('change keyup input', syncPreset);
    syncPreset();
  }

  // --- attribute and query lists -----------------------------------------------------------

  // A sortable editableList of rows made by addItem, holding `items` to start with.
  function editableList(list, addButton, addItem, items) {
    var editable = $(list).editableList({
      addButton: addButton,
      height: 0,
      removable: true,
      sortable: true,
      addItem: addItem,
    });
    items.forEach(function (item) {
      editable.editableList('addItem', item);
    });
    return editable;
  }

  // What read(row) gives for each row of the list, in list order; a row it gives null for is left out.
  function readList(list, read) {
    var values = [];
    $(list)
      .editableList('items')
      .each(function () {
        var value = read($(this));
        if (value !== null) {
          values.push(value);
        }
      });
    return values;
  }

  function setupAttributeList(list, attributes, options) {
    var t = options.t;
    var prefix = options.classPrefix;
    var items = (Array.isArray(attributes) ? attributes : [])
      .filter(function (a) {
        return a && typeof a === 'object';
      })
      .map(function (a) {
        return { name: a.name, value: a.value, type: a.type };
      });
    return editableList(
      list,
      t('label.addAttribute'),
      function (container, index, data) {
        data = data && typeof data === 'object' ? data : {};
        var row = $('<div></div>').css({ display: 'flex', alignItems: 'center', gap: '6px' }).appendTo(container);
        var nameInput = $('<input/>', { type: 'text', class: prefix + '-attr-name' })
          .css({ flex: '0 0 35%', width: '35%' })
          .attr('placeholder', t('placeholder.attributeName'))
          .val(asText(data.name))
          .appendTo(row);
        attachArgumentCompletion(options.completion, nameInput);
        $('<span></span>').text('=').appendTo(row);
        var valueWrap = $('<div></div>').css({ flex: '1 1 auto', minWidth: '0' }).appendTo(row);
        var valueInput = $('<input/>', { type: 'text', class: prefix + '-attr-value' })
          .css('width', '100%')
          .appendTo(valueWrap);
        var type = VALUE_TYPES.indexOf(data.type) !== -1 ? data.type : 'str';
        valueInput.typedInput({ default: type, types: VALUE_TYPES });
        valueInput.typedInput('type', type);
        if (!(type === 'bool' && asText(data.value) === '')) {
          valueInput.typedInput('value', asText(data.value));
        }
      },
      items,
    );
  }

  // The rows with a name, in list order; a row without a name is dropped.
  function readAttributeList(list, options) {
    var prefix = options.classPrefix;
    return readList(list, function (row) {
      var name = asText(row.find('.' + prefix + '-attr-name').val()).trim();
      if (name === '') {
        return null;
      }
      var valueInput = row.find('.' + prefix + '-attr-value');
      return {
        name: name,
        value: asText(valueInput.typedInput('value')),
        type: valueInput.typedInput('type') || 'str',
      };
    });
  }

  function setupQueryList(list, queries, options) {
    var t = options.t;
    var prefix = options.classPrefix;
    var items = (Array.isArray(queries) ? queries : []).map(function (q) {
      return { query: asText(q) };
    });
    return editableList(
      list,
      t('label.addQuery'),
      function (container, index, data) {
        var text = typeof data === 'object' && data !== null ? asText(data.query) : asText(data);
        $('<input/>', { type: 'text', class: prefix + '-query' })
          .css('width', '100%')
          .attr('placeholder', t('placeholder.query'))
          .val(text)
          .appendTo(container);
      },
      items,
    );
  }

  // The non-empty queries, trimmed, in list order.
  function readQueryList(list, options) {
    var prefix = options.classPrefix;
    return readList(list, function (row) {
      var q = asText(row.find('.' + prefix + '-query').val()).trim();
      return q === '' ? null : q;
    });
  }

  // --- completion --------------------------------------------------------------------------
  // Asks the pack's admin endpoint (routeros-api/inspect) what is below a menu path and offers
  // the answer through Node-RED's autoComplete widget. Everything here is best effort: without
  // the widget, or when a request fails, the fields simply behave as plain inputs, and saving
  // never waits for it.

  var NAME = /^[a-z0-9][a-z0-9-]*$/;
  var PARTIAL = /^[a-z0-9-]*$/;
  var MAX_ITEMS = 60;

  function available() {
    return typeof $ === 'function' && !!$.fn && typeof $.fn.autoComplete === 'function';
  }

  // "/ip/add" -> { parent: ["ip"], prefix: "add" }; null when it is no menu path being typed
  function splitTyped(text) {
    var value = asText(text).trim();
    if (value.charAt(0) !== '/') {
      return null;
    }
    var parts = value.slice(1).split('/');
    var prefix = parts.pop();
    if (!PARTIAL.test(prefix)) {
      return null;
    }
    for (var i = 0; i < parts.length; i++) {
      if (!NAME.test(parts[i])) {
        return null;
      }
    }
    return { parent: parts, prefix: prefix };
  }

  // "/ip/address/add" -> ["ip", "address", "add"]; null unless it is a complete path
  function commandSegments(text) {
    var typed = splitTyped(text);
    if (!typed || !NAME.test(typed.prefix)) {
      return null;
    }
    return typed.parent.concat([typed.prefix]);
  }

  function suggestionLabel(shown, typedLength, kind, t) {
    var row = $('<div></div>').css({ display: 'flex', alignItems: 'baseline' });
    // Not Node-RED's red-ui-autoComplete-completion class: it sets direction rtl, which
    // moves a path's leading "/" to its end.
    var text = $('<div></div>', { class: 'routeros-api-completion' }).css({
      flex: '1 1 auto',
      fontFamily: 'var(--red-ui-monospace-font)',
      whiteSpace: 'nowrap',
      overflow: 'hidden',
      textOverflow: 'ellipsis',
    });
    if (typedLength > 0) {
      $('<span></span>')
        .css({ fontWeight: 'bold', color: 'var(--red-ui-text-color-link)' })
        .text(shown.slice(0, typedLength))
        .appendTo(text);
    }
    $('<span></span>').text(shown.slice(typedLength)).appendTo(text);
    text.appendTo(row);
    $('<div></div>')
      .css({ fontSize: '0.8em', opacity: 0.7, paddingLeft: '12px' })
      .text(t('completion.type.' + kind))
      .appendTo(row);
    return row;
  }

  // input: the command field; hint: where to say where suggestions come from;
  // getConnectionId(): the id of the chosen connection node. Returns the handle that
  // attachArgumentCompletion and detachCompletion take.
  function attachCommandCompletion(input, hint, getConnectionId, t) {
    var answers = {};
    var inputs = [];
    var closed = false;

    function connectionId() {
      var id = getConnectionId ? getConnectionId() : '';
      return typeof id === 'string' && id !== '_ADD_' ? id : '';
    }

    function showHint(answer) {
      if (closed || !hint || !hint.length) {
        return;
      }
      var text = answer.source === 'router' ? t('completion.router') : t('completion.bundled');
      if (answer.source !== 'router' && answer.reason) {
        text += ' ' + t('completion.reason.' + answer.reason);
      }
      hint.text(text);
    }

    // Calls back with the endpoint's answer for `segments`, or null; one request per
    // connection and path while the dialog is open.
    function lookup(segments, callback) {
      var id = connectionId();
      var key = id + '|' + segments.join('/');
      var known = answers[key];
      if (known && known.answer) {
        callback(known.answer);
        return;
      }
      if (known) {
        known.waiting.push(callback);
        return;
      }
      known = answers[key] = { answer: null, waiting: [callback] };
      function finish(answer) {
        if (answer) {
          known.answer = answer;
          showHint(answer);
        } else {
          delete answers[key];
        }
        var waiting = known.waiting;
        known.waiting = [];
        waiting.forEach(function (cb) {
          cb(answer);
        });
      }
      $.ajax({
        url: 'routeros-api/inspect',
        data: { connection: id, path: '/' + segments.join('/') },
        dataType: 'json',
        cache: false,
        timeout: 5000,
      }).then(
        function (answer) {
          finish(answer && Array.isArray(answer.items) ? answer : null);
        },
        function () {
          // A refused request (400, 401) or a lost runtime: no suggestions. Ordinary situations
          // (connection not deployed, router unreachable) answer 200 with the bundled list.
          finish(null);
        },
      );
    }

    function matches(answer, kinds, prefix) {
      var found = [];
      answer.items.forEach(function (item) {
        if (kinds.indexOf(item.type) !== -1 && item.name.indexOf(prefix) === 0) {
          found.push(item);
        }
      });
      return found.slice(0, MAX_ITEMS);
    }

    function searchCommand(value, done) {
      var typed = splitTyped(value);
      if (closed || !typed) {
        done([]);
        return;
      }
      lookup(typed.parent, function (answer) {
        if (closed || !answer) {
          done([]);
          return;
        }
        var base =
          '/' +
          typed.parent
            .map(function (s) {
              return s + '/';
            })
            .join('');
        done(
          matches(answer, ['menu', 'command'], typed.prefix).map(function (item) {
            var full = base + item.name;
            return {
              value: full,
              label: suggestionLabel(full, base.length + typed.prefix.length, item.type, t),
            };
          }),
        );
      });
    }

    function searchArgument(value, done) {
      var segments = commandSegments(input.val());
      var prefix = asText(value).trim();
      if (closed || !segments || !PARTIAL.test(prefix)) {
        done([]);
        return;
      }
      lookup(segments, function (answer) {
        if (closed || !answer) {
          done([]);
          return;
        }
        done(
          matches(answer, ['argument'], prefix).map(function (item) {
            return { value: item.name, label: suggestionLabel(item.name, prefix.length, item.type, t) };
          }),
        );
      });
    }

    function enable(field, search, minLength) {
      if (closed || !available() || !field || !field.length) {
        return;
      }
      try {
        field.attr('autocomplete', 'off');
        field.autoComplete({ search: search, minLength: minLength });
        inputs.push(field);
      } catch (err) {
        // completion is optional: a plain input still works
      }
    }

    enable(input, searchCommand, 1);
    return {
      attachArgument: function (field) {
        enable(field, searchArgument, 0);
      },
      detach: function () {
        closed = true;
        inputs.forEach(function (field) {
          try {
            if (field.hasClass('red-ui-autoComplete')) {
              field.autoComplete('destroy');
            }
          } catch (err) {
            // the dialog is going away anyway
          }
        });
        inputs = [];
      },
    };
  }

  function attachArgumentCompletion(completion, input) {
    if (completion) {
      completion.attachArgument(input);
    }
  }

  function isSet(v) {
    return typeof v === 'string' && v !== '' && v !== '_ADD_';
  }

  // One router (a routeros-connection) or routers of a routeros-fleet: each needs its own config
  // node, and only the chosen one is required.
  function targetDefaults(t) {
    return {
      targetType: { value: 'connection' },
      connection: {
        type: 'routeros-connection',
        required: false,
        validate: function (v, opt) {
          if (this.targetType === 'fleet' || isSet(v)) {
            return true;
          }
          return opt ? t('errors.connection') : false;
        },
      },
      fleet: {
        type: 'routeros-fleet',
        required: false,
        validate: function (v, opt) {
          if (this.targetType !== 'fleet' || isSet(v)) {
            return true;
          }
          return opt ? t('errors.fleet') : false;
        },
      },
      routers: { value: '' },
    };
  }

  function isFleetTarget() {
    return $('#node-input-targetType').val() === 'fleet';
  }

  function setupTarget(classPrefix, targetType) {
    var select = $('#node-input-targetType');
    if (targetType !== 'fleet') {
      select.val('connection');
    }
    function show() {
      var fleet = isFleetTarget();
      $('#' + classPrefix + '-connection-row').toggle(!fleet);
      $('.' + classPrefix + '-fleet-row').toggle(fleet);
    }
    select.on('change', show);
    show();
  }

  function detachCompletion(completion) {
    if (completion) {
      completion.detach();
    }
    return null;
  }

  window.RouterOSEditor = Object.freeze({
    VALUE_TYPES: Object.freeze(VALUE_TYPES.slice()),
    asText: asText,
    translator: translator,
    validator: validator,
    checkCommand: checkCommand,
    checkAttributes: checkAttributes,
    checkQueries: checkQueries,
    checkProplist: checkProplist,
    setupPresets: setupPresets,
    setupAttributeList: setupAttributeList,
    readAttributeList: readAttributeList,
    setupQueryList: setupQueryList,
    readQueryList: readQueryList,
    attachCommandCompletion: attachCommandCompletion,
    attachArgumentCompletion: attachArgumentCompletion,
    detachCompletion: detachCompletion,
    splitTyped: splitTyped,
    targetDefaults: targetDefaults,
    setupTarget: setupTarget,
    isFleetTarget: isFleetTarget,
  });
})();
