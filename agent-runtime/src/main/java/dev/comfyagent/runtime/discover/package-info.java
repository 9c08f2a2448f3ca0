/**
 * What ComfyUI has and could have: {@link dev.comfyagent.runtime.discover.NodeCatalog} (the live
 * {@code /object_info}, cached with a TTL, parsed into {@link
 * dev.comfyagent.runtime.discover.NodeDefinitions}), ComfyUI-Manager's map of custom-node packs
 * ({@link dev.comfyagent.runtime.discover.ManagerNodeMap}), ranked node search ({@link
 * dev.comfyagent.runtime.discover.NodeSearch} over {@link
 * dev.comfyagent.runtime.discover.NodeSearchIndex}), the model lists ({@link
 * dev.comfyagent.runtime.discover.ModelCatalog}); and the DISCOVER tools {@code search_nodes},
 * {@code get_node_info}, {@code list_models} ({@link
 * dev.comfyagent.runtime.discover.DiscoverTools}).
 *
 * <p>May import: {@code comfy}, {@code tool}. It knows nothing of workflows: the workflow package
 * reads node definitions from here, never the other way round.
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * NodeCatalog catalog = new NodeCatalog(comfy::objectInfo, Duration.ofMinutes(5), Clock.systemUTC());
 * NodeSearch search = new NodeSearch(catalog, ManagerNodeMap.locate(comfyUiPath));
 * search.search("face detailer", 10, false, false).matches();
 * DiscoverTools.create(catalog, search, new ModelCatalog(comfy, ttl, clock)).forEach(registry::register);
 * }</pre>
 */
package dev.comfyagent.runtime.discover;
