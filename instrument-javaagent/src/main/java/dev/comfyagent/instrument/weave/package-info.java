/**
 * Where the agent weaves and how: each {@link dev.comfyagent.instrument.weave.WeaveTarget} is one
 * file holding its rules and its advice ({@code RuntimeToolWeave}, the SDK's {@code Sdk*Weave}s,
 * Resilience4j's breakers and limiters, the runtime's session registry, {@code tools=} patterns,
 * instance captures). A rule names its classes once ({@link
 * dev.comfyagent.instrument.weave.WeaveRules}); the {@link
 * dev.comfyagent.instrument.weave.ClassNameFilter} made from those names passes over every other
 * class before Byte Buddy describes it, and {@link dev.comfyagent.instrument.weave.Weaver} applies
 * the advice of the matching rules through a plain {@code ClassFileTransformer}, registered behind
 * the {@link dev.comfyagent.instrument.weave.StartTrigger}. Before Byte Buddy, a class is passed
 * over when no rule can take it in within its loader or the headers of its supertypes say it is no
 * subtype a rule asks for ({@code SupertypeWalk}), and served from the build's weave cache when it
 * is a class the build's training run wove ({@code WeaveCache}). Join points reach the agent
 * through the bridge and {@code WeaveDispatch}. Advice code refers only to the JDK and {@code
 * bootstrap} ({@code AdviceReferencesTest}).
 *
 * <p>May import: {@code bootstrap}, {@code config}, {@code host} (the runtime names it weaves, from
 * {@code RuntimeContract}), {@code record}; Byte Buddy (shaded).
 *
 * <p>Entry points:
 *
 * <pre>{@code
 * public WeaveRules weave(WeaveRules rules, AdviceTransformer advice) {   // in a WeaveTarget
 *   return rules.classes("com.acme.Server")
 *       .transform(advice.advice(named("handle"), HandleAdvice.class.getName()));
 * }
 * ClassFileTransformer weaving = new Weaver(health, agentLoader).make(targets);
 * }</pre>
 */
package dev.comfyagent.instrument.weave;
