(function(){
var tz=document.getElementById("tz");
if(tz&&!/[?&]tz=/.test(location.search)){
  var z="";try{z=Intl.DateTimeFormat().resolvedOptions().timeZone}catch(e){}
  if(z&&z!==tz.value){
    if(![].some.call(tz.options,function(x){return x.value===z})){var n=document.createElement("option");n.textContent=z;tz.appendChild(n)}
    tz.value=z;tz.form.submit()}
}
var e=document.getElementById("errors");if(e)e.focus();
})();
