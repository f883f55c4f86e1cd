'use strict';
// Core nodes for flows the e2e tests deploy, placed one under another on tab `tab`.

function flowNodes(tab) {
  let row = 0;
  const at = () => ({ z: tab, x: 200, y: 40 * ++row });

  /** An inject node setting message properties: { name: [value, type] } (type 'str' or 'json'). */
  function inject(id, props, wires) {
    return {
      id,
      type: 'inject',
      ...at(),
      props: Object.entries(props).map(([p, [v, vt]]) => ({ p, v, vt })),
      repeat: '',
      once: false,
      wires: [wires],
    };
  }

  /** A debug node showing `property` of each message in the sidebar. */
  function debug(id, property) {
    return {
      id,
      type: 'debug',
      ...at(),
      active: true,
      tosidebar: true,
      console: false,
      tostatus: false,
      complete: property,
      targetType: 'msg',
      wires: [],
    };
  }

  return { at, inject, debug };
}

module.exports = { flowNodes };
